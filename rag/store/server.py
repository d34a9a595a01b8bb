"""Run a Chroma server (`chroma run`, shipped in the chromadb wheel) as a child process.

For tests, benchmarks and single-machine deployments; in production run `chroma run --path DIR --host H
--port N` under your service manager and point `RAG_CHROMA_URL` at it (docs/scaling.md).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from rag.errors import StoreError


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def chroma_command() -> list[str]:
    exe = Path(sys.executable).with_name("chroma")
    if exe.is_file():
        return [str(exe)]
    found = shutil.which("chroma")
    if found:
        return [found]
    raise StoreError("the `chroma` command (from the chromadb package) is not installed")


class ChromaServer:
    """`with ChromaServer(path) as server: RAG.open(chroma_url=server.url)`; stopped with SIGTERM on exit."""

    def __init__(self, path: str | os.PathLike, host: str = "127.0.0.1", port: int | None = None,
                 startup_timeout: float = 60.0):
        self.path, self.host = str(path), host
        self.port = port or free_port(host)
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> ChromaServer:
        Path(self.path).mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
        cmd = chroma_command() + ["run", "--path", self.path, "--host", self.host, "--port", str(self.port)]
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace")[-800:] if self.proc.stderr else ""
                raise StoreError(f"chroma run exited with code {self.proc.returncode}: {err}")
            if self.healthy():
                return self
            time.sleep(0.1)
        self.stop()
        raise StoreError(f"chroma run did not answer on {self.url} within {self.startup_timeout:.0f} s")

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/api/v2/heartbeat", timeout=1) as resp:
                return resp.status == 200
        except OSError:
            return False

    def rss_mb(self) -> float:
        """The server's resident memory now (and its peak, VmHWM) in MB; 0 when not running."""
        return _proc_status_mb(self.proc.pid, "VmRSS") if self.proc and self.proc.poll() is None else 0.0

    def peak_rss_mb(self) -> float:
        return _proc_status_mb(self.proc.pid, "VmHWM") if self.proc and self.proc.poll() is None else 0.0

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM, then SIGKILL if it has not exited after `timeout` seconds. Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stderr:
            self.proc.stderr.close()
        return self.proc.returncode

    def __enter__(self) -> ChromaServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _proc_status_mb(pid: int, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
