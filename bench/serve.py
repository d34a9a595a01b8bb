"""`python -m bench.serve`: what `rag serve` buys, measured in fresh processes on one index.

- cold `rag ask --local` with the default generator, the llama.cpp prompt state removed before each run
  (what every process paid before the state was cached) and kept (what a process pays now), interleaved;
- the service from spawn to /v1/health, and to its first answer from the default model;
- `rag ask` while the service runs: wall time from spawn to exit against the answer's own time;
- one client alone (half before, half after the crowd) and 8 concurrent clients x 5 questions from the
  default model, streamed (`/v1/ask/stream`), side by side on one service per `--parallel` setting
  (llm_parallel): errors, answers that name another request's question or cite passages not retrieved
  for it, latency p50 / p95 and the ratio p95(8) / p95(1) (goal <= 3), how many requests were told
  their place in line, and the longest wait before a request heard anything (a status or a piece).

The model is linked into a temporary folder so its prompt states are made there, not beside the shared
model. Prints a table and writes JSON (`--json`).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_QUESTION = "Which groups did the US–Pakistan dialogue target?"
GOALS = {"ask_via_service_overhead_s": 1.5, "cold_ask_s": 8.0, "service_ready_s": 6.0, "p95_ratio": 3.0}


def _env(model: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("RAG_GENERATOR", "RAG_SERVER_URL", "RAG_API_TOKEN")}
    env.update({"RAG_LLM_MODEL": model, "PYTHONPATH": str(ROOT), **(extra or {})})
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3) if ordered else float("nan")


def timed_ask(index: str, model: str, *flags: str, server_url: str = "") -> dict[str, Any]:
    cmd = [sys.executable, "-m", "rag.cli", "ask", "--json", "--index", index, *flags, SAMPLE_QUESTION]
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=_env(model, {"RAG_SERVER_URL": server_url} if server_url else None),
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - t
    if proc.returncode:
        return {"ok": False, "s": round(wall, 3), "stderr": proc.stderr[-400:]}
    data = json.loads(proc.stdout)
    answer_s = data["timings_ms"].get("total_ms", 0) / 1000
    return {"ok": True, "s": round(wall, 3), "answer_s": round(answer_s, 3), "backend": data["backend"]}


def cold_asks(index: str, model: str, runs: int) -> dict[str, Any]:
    from rag.answer.prompt_state import state_dir

    out: dict[str, list] = {"state removed": [], "state kept": []}
    for _ in range(runs):
        shutil.rmtree(state_dir(model), ignore_errors=True)
        out["state removed"].append(timed_ask(index, model, "--local"))  # computes and saves the state
        out["state kept"].append(timed_ask(index, model, "--local"))
    return {k: {"median_s": median(r["s"] for r in v), "runs": v} for k, v in out.items()}


def start_service(index: str, model: str, ui: bool = True,
                  parallel: int | None = None) -> tuple[subprocess.Popen, str, dict[str, float]]:
    import httpx

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "rag.cli", "serve", "--port", str(port), "--index", index,
           *([] if ui else ["--no-ui"])]
    t = time.perf_counter()
    env = _env(model, {"RAG_LLM_PARALLEL": str(parallel)} if parallel else None)
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    marks: dict[str, float] = {}
    while time.perf_counter() - t < 300 and proc.poll() is None:
        try:
            if httpx.get(url + "/v1/health", timeout=1).status_code == 200:
                marks["health_s"] = round(time.perf_counter() - t, 3)
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    while "health_s" in marks and time.perf_counter() - t < 300 and proc.poll() is None:
        try:
            if httpx.get(url + "/v1/health", timeout=5).json()["ready"]:  # the model is loaded and warm
                marks["ready_s"] = round(time.perf_counter() - t, 3)
                break
        except httpx.HTTPError:  # the model's load holds the interpreter lock for a while
            pass
        time.sleep(0.05)
    if "health_s" in marks:
        r = httpx.post(url + "/v1/ask", json={"question": SAMPLE_QUESTION}, timeout=600)
        marks["first_answer_s"] = round(time.perf_counter() - t, 3)
        marks["first_answer_own_s"] = round(r.json()["timings_ms"]["total_ms"] / 1000, 3) if r.is_success else -1
    return proc, url, marks


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def streamed_ask(http: Any, question: str, retrieved: set[str]) -> dict[str, Any]:
    """One question through `/v1/ask/stream`: latency, when the client first heard anything, statuses."""
    t = time.perf_counter()
    row: dict[str, Any] = {"statuses": 0}
    with http.stream("POST", "/v1/ask/stream", json={"question": question}) as r:
        row["status"] = r.status_code
        event = ""
        for line in r.iter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
                row.setdefault("first_event_s", time.perf_counter() - t)
            elif line.startswith("data:") and event == "status":
                row["statuses"] += json.loads(line[5:])["ahead"] is not None  # a place in line, not "your turn"
            elif line.startswith("data:") and event == "answer":
                data = json.loads(line[5:])
                row["wrong"] = data["question"] != question or not (
                    {c["source"] for c in data["citations"]} <= retrieved)
            elif line.startswith("data:") and event == "error":
                row["status"] = -1
    row["s"] = time.perf_counter() - t
    return row


def crowd(url: str, jobs: list[str], retrieved: dict[str, set[str]], clients: int) -> list[dict[str, Any]]:
    """`clients` at once, each asking its share of `jobs` one after another; a row per request."""
    import httpx

    each = len(jobs) // clients

    def client(k: int) -> list[dict[str, Any]]:
        with httpx.Client(base_url=url, timeout=900) as http:
            return [streamed_ask(http, q, retrieved[q]) for q in jobs[k * each:(k + 1) * each]]

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return [row for rows in pool.map(client, range(clients)) for row in rows]


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    latencies = [r["s"] for r in rows]
    return {"requests": len(rows), "errors": sum(r["status"] != 200 for r in rows),
            "wrong_answers": sum(bool(r.get("wrong")) for r in rows), "p50_s": pct(latencies, 0.5),
            "p95_s": pct(latencies, 0.95), "told_their_place": sum(r["statuses"] > 0 for r in rows),
            "longest_silence_s": round(max(r.get("first_event_s", r["s"]) for r in rows), 2)}


def concurrent_clients(url: str, index: str, questions: list[str], clients: int = 8, each: int = 5,
                       alone: int = 10) -> dict:
    """One client alone (half of its `alone` questions before the crowd, half after, so that a change of
    the machine's load shows), and `clients` x `each` at once, on the same service."""
    from rag import RAG

    rag = RAG.open(index)
    jobs = [questions[i % len(questions)] for i in range(clients * each)]
    retrieved = {q: {p.name for p in rag.retrieve(q)} for q in set(jobs)}
    single = [jobs[i % len(jobs)] for i in range(alone)]
    before = crowd(url, single[: alone // 2], retrieved, 1)
    t = time.perf_counter()
    many = crowd(url, jobs, retrieved, clients)
    wall = time.perf_counter() - t
    after = crowd(url, single[alone // 2:], retrieved, 1)
    one = {**summary(before + after), "p50_before_s": summary(before)["p50_s"],
           "p50_after_s": summary(after)["p50_s"]}
    out = {"one": one, "many": {**summary(many), "clients": clients, "wall_s": round(wall, 1)}}
    out["p95_ratio"] = round(out["many"]["p95_s"] / one["p95_s"], 2) if one["p95_s"] else None
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    from bench.suite import load_questions
    from rag import RAG
    from rag.answer import models

    work = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    model = work / "models" / Path(models.resolve(models.DEFAULT_MODEL)).name
    model.parent.mkdir()
    model.symlink_to(models.resolve(models.DEFAULT_MODEL))
    index = args.index or str(work / "index")
    if not args.index:
        RAG.open(index).index([args.corpus], progress=False)
    result: dict[str, Any] = {"load_avg_start": os.getloadavg()[0]}
    try:
        if not args.concurrency_only:
            result.update(service_figures(index, str(model), args.runs))
        if not args.no_concurrency:
            questions = load_questions(args.questions)
            result["concurrent"] = {}
            for parallel in args.parallel:
                proc, url, _marks = start_service(index, str(model), ui=False, parallel=parallel)
                try:
                    load = os.getloadavg()[0]
                    figures = concurrent_clients(url, index, questions, clients=args.clients, each=args.each)
                    result["concurrent"][str(parallel)] = {**figures, "load_avg": [load, os.getloadavg()[0]]}
                finally:
                    stop(proc)
                if args.json:  # each setting's figures are kept as soon as they are measured
                    Path(args.json).write_text(json.dumps(result, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result["load_avg_end"] = os.getloadavg()[0]
    return result


def service_figures(index: str, model: str, runs: int) -> dict[str, Any]:
    """Cold asks, the service's start, and `rag ask` through it."""
    result: dict[str, Any] = {"cold_ask": cold_asks(index, model, runs)}
    api_only, _url, result["service_start_no_ui"] = start_service(index, model, ui=False)
    stop(api_only)
    proc, url, result["service_start"] = start_service(index, model)
    try:
        via = [timed_ask(index, model, server_url=url) for _ in range(runs)]
        result["ask_via_service"] = {"runs": via, "median_s": median(r["s"] for r in via),
                                     "median_overhead_s": round(median(r["s"] - r.get("answer_s", 0)
                                                                       for r in via), 3)}
    finally:
        stop(proc)
    return result


def table(r: dict[str, Any]) -> str:
    lines = service_table(r) if "cold_ask" in r else []
    for parallel, c in r.get("concurrent", {}).items():
        one, many = c["one"], c["many"]
        lines += [
            f"llm_parallel={parallel}, streamed asks (load average {c['load_avg'][0]:.1f} -> {c['load_avg'][1]:.1f}):",
            f"  1 client x {one['requests']}: p50 {one['p50_s']:.2f} s (first half {one['p50_before_s']:.2f}, second "
            f"half {one['p50_after_s']:.2f}) / p95 {one['p95_s']:.2f} s; {one['errors']} errors",
            f"  {many['clients']} clients x {many['requests'] // many['clients']}: p50 {many['p50_s']:.2f} s / p95 "
            f"{many['p95_s']:.2f} s ({many['wall_s']} s in all); {many['errors']} errors, {many['wrong_answers']} "
            f"answers for another request; {many['told_their_place']} told their place in line; longest wait "
            f"before hearing anything {many['longest_silence_s']:.2f} s",
            f"  p95({many['clients']}) / p95(1) = {c['p95_ratio']} (goal <= {GOALS['p95_ratio']})",
        ]
    lines.append(f"load average {r['load_avg_start']:.1f} -> {r['load_avg_end']:.1f}")
    return "\n".join(lines)


def service_table(r: dict[str, Any]) -> list[str]:
    cold, start, via = r["cold_ask"], r["service_start"], r["ask_via_service"]
    bare = r["service_start_no_ui"]

    def runs(key: str) -> str:
        return ", ".join(f"{x['s']:.1f} ({x.get('answer_s', 0):.1f})" for x in cold[key]["runs"])

    return [
        f"cold `rag ask --local`, default model, prompt state removed: {cold['state removed']['median_s']:.2f} s "
        f"(runs, answer's own time in brackets: {runs('state removed')})",
        f"cold `rag ask --local`, default model, prompt state kept:    {cold['state kept']['median_s']:.2f} s "
        f"({runs('state kept')}; goal <= {GOALS['cold_ask_s']} s)",
        f"`rag serve` spawn -> /v1/health: {start.get('health_s')} s; -> ready (model warm): {start.get('ready_s')} s "
        f"(goal <= {GOALS['service_ready_s']} s); -> first answer: {start.get('first_answer_s')} s (its own "
        f"{start.get('first_answer_own_s')} s)",
        f"`rag serve --no-ui` spawn -> /v1/health: {bare.get('health_s')} s; -> ready: {bare.get('ready_s')} s; "
        f"-> first answer: {bare.get('first_answer_s')} s",
        f"`rag ask` with the service running: {via['median_s']:.2f} s, over the answer's own time: "
        f"{via['median_overhead_s']:.2f} s (goal <= {GOALS['ask_via_service_overhead_s']} s)",
    ]


def main(argv: list[str] | None = None) -> int:
    import rag  # noqa: F401  (offline settings)

    p = argparse.ArgumentParser(prog="python -m bench.serve", description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", default=str(ROOT / "seeds"), help="articles to index (default seeds/)")
    p.add_argument("--index", help="an existing index to use instead")
    p.add_argument("--questions", help="questions for the concurrent clients (default eval/gold.jsonl)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--no-concurrency", action="store_true")
    p.add_argument("--concurrency-only", action="store_true", help="skip the cold-start and `rag ask` figures")
    p.add_argument("--parallel", type=lambda v: [int(x) for x in v.split(",")], default=[4], metavar="N[,N…]",
                   help="llm_parallel settings to measure the clients with, one service each (default 4)")
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--each", type=int, default=5, help="questions each concurrent client asks")
    p.add_argument("--json", default="bench_serve.json", metavar="OUT")
    args = p.parse_args(argv)
    result = run(args)
    Path(args.json).write_text(json.dumps(result, indent=2))
    print(table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
