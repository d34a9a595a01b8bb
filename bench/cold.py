"""Cold start: a new process to the first answer (`rag ask`), and to the chat UI serving and answering.

Each measurement starts a fresh interpreter, as a user does, against an index that already exists.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _env(model: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, "RAG_EMBED_MODEL": model, "RAG_GENERATOR": "extractive", "PYTHONPATH": ROOT}
    env.update(extra or {})
    return env


def cold_ask(index_dir: str, question: str, model: str, chroma_url: str = "") -> dict[str, Any]:
    """Wall time of `rag ask QUESTION` in a new process, from spawn to exit (the answer is printed last)."""
    cmd = [sys.executable, "-m", "rag.cli", "ask", question, "--index", index_dir]
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=_env(model, {"RAG_CHROMA_URL": chroma_url}), cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - t
    ok = proc.returncode == 0 and bool(proc.stdout.strip())
    return {"s": round(seconds, 3), "ok": ok, **({} if ok else {"stderr": proc.stderr[-500:]})}


def import_profile(index_dir: str, question: str, model: str) -> list[tuple[str, float]]:
    """Where `rag ask`'s import time goes (python -X importtime): seconds of each top-level package's own modules."""
    cmd = [sys.executable, "-X", "importtime", "-m", "rag.cli", "ask", question, "--index", index_dir]
    proc = subprocess.run(cmd, env=_env(model), cwd=ROOT, capture_output=True, text=True, timeout=300)
    totals: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not line.startswith("import time:") or not parts[1].strip().isdigit():
            continue
        own = int(parts[0].split(":")[1])
        top = parts[2].strip().split(".")[0]
        totals[top] = totals.get(top, 0.0) + own / 1e6
    return sorted(((k, round(v, 3)) for k, v in totals.items()), key=lambda kv: -kv[1])[:8]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cold_ui(index_dir: str, question: str, model: str, timeout: float = 180) -> dict[str, Any]:
    """Seconds from spawning `rag ui` to the page being served, and to its API answering a question."""
    port = free_port()
    cmd = [sys.executable, "-m", "rag.cli", "ui", "--port", str(port), "--index", index_dir]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=_env(model), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    out: dict[str, Any] = {}
    try:
        url = f"http://127.0.0.1:{port}/"
        while time.perf_counter() - t < timeout and proc.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        out["ready_s"] = round(time.perf_counter() - t, 3)
                        break
            except OSError:
                time.sleep(0.05)
        if "ready_s" in out:
            from gradio_client import Client

            answer = Client(url, verbose=False).predict(question, api_name="/ask")
            out["first_answer_s"] = round(time.perf_counter() - t, 3)
            out["ok"] = isinstance(answer, dict) and not answer.get("error")
        else:
            out["ok"] = False
            out["stderr"] = (proc.stderr.read()[-500:] if proc.poll() is not None else "timed out")
    except Exception as err:  # noqa: BLE001 - a UI that cannot be measured is reported, not fatal
        out.update(ok=False, error=f"{err.__class__.__name__}: {err}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    return out
