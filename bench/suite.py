"""`rag bench`: our pipeline against a plain LlamaIndex pipeline, side by side, in one run.

Measures, on the same input: indexing throughput (chunks/s, MB/s) and peak memory; retrieval latency
p50/p95 and full-answer latency per backend; cold start of `rag ask` and of the chat UI; the store alone
at scale (`--scale`). Every measurement runs in a fresh process, implementations are interleaved within
each run, and figures are medians over `--runs`: shared machines are noisy, so compare the ratios.

Wired into `rag/cli.py` through `add_parser(subparsers)`; also `python -m bench.suite`.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = ROOT / "eval" / "gold.jsonl"
SAMPLE_QUESTION = "Which groups did the US–Pakistan dialogue target?"
GOALS = {"indexing_mb_per_s_ratio": 1.0, "peak_memory_ratio": 0.6, "retrieve_p50_ms_seeds": 10.0,
         "retrieve_p50_ms_100k": 50.0, "cold_ask_s": 2.5, "ui_ready_s": 5.0, "hit_at_5": 0.90}
REALTIMEQA = ROOT.parent / "shared" / "bench" / "realtimeqa"  # read in place, never copied into the repository


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("bench", help="benchmark indexing, retrieval, answers, cold start and scale",
                              description=__doc__.split("\n\n")[1])
    configure(p)
    return p


def configure(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("--corpus", default=str(ROOT / "seeds"), metavar="DIR", help="articles to index (default: seeds/)")
    p.add_argument("--questions", metavar="FILE", help="questions: JSONL with a 'question' field, or one per line "
                   "(default: eval/gold.jsonl)")
    p.add_argument("--gold", metavar="FILE", help="gold JSONL with 'sources': retrieval hit@5 / MRR of both indexes")
    p.add_argument("--realtimeqa", action="store_true", help=f"the realtimeqa benchmark ({REALTIMEQA}): its corpus, "
                   "its questions as --gold, plain LlamaIndex with its default splitter (1024/200), one model")
    p.add_argument("--limit", type=int, default=0, metavar="N", help="only the first N files of the corpus "
                   "(sorted by name); the figures then name the subset")
    p.add_argument("--runs", type=int, default=3, help="repetitions; medians are reported (default 3)")
    p.add_argument("--models", default="minilm-int8,minilm-onnx", help="our embedding models to compare")
    p.add_argument("--backends", default="extractive", help="answer backends to time (comma-separated)")
    p.add_argument("--chunk-size", type=int, default=0, help="plain pipeline SentenceSplitter size in tokens "
                   "(default: ours, so both embed comparable chunks)")
    p.add_argument("--chunk-overlap", type=int, default=20, help="plain pipeline SentenceSplitter overlap")
    p.add_argument("--scale", default="", metavar="N,N", help="also time the store alone at these vector counts")
    p.add_argument("--scale-modes", default="embedded,server")
    p.add_argument("--server", action="store_true", help="also index ours through a `chroma run` server")
    p.add_argument("--no-plain", action="store_true", help="skip the plain LlamaIndex pipeline")
    p.add_argument("--no-cold", action="store_true", help="skip cold-start measurements")
    p.add_argument("--quick", action="store_true", help="CI mode: 2 articles, 1 run, 5 questions, the first model only")
    p.add_argument("--keep", metavar="DIR", help="build the indexes in DIR (created if missing) and keep them "
                   "afterwards, e.g. to evaluate the full-corpus index again (default: a temporary folder)")
    p.add_argument("--json", default="bench.json", metavar="OUT", help="write results here (default bench.json)")
    p.set_defaults(func=handle)
    return p


def load_questions(path: str | None) -> list[str]:
    text = Path(path or DEFAULT_GOLD).read_text(encoding="utf-8")
    questions = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            questions.append(json.loads(line)["question"])
        elif line:
            questions.append(line)
    return questions


def worker(impl: str, corpus: str, index: str, questions: str, **opts: Any) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.worker", impl, "--corpus", corpus, "--index", index,
           "--questions", questions] + [x for k, v in opts.items() if v not in (None, "") for x in
                                        (f"--{k.replace('_', '-')}", str(v))]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=4 * 3600,  # 1,540 files, busy cores
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if proc.returncode != 0:
        return {"error": proc.stderr.strip()[-800:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return {"error": runs[0].get("error", "no run") if runs else "no run"}

    def med(f) -> float:
        return round(median(f(r) for r in ok), 3)

    out = {"runs": len(ok), "chunks": ok[0]["chunks"], "vectors": ok[0]["vectors"], "input_mb": ok[0]["input_mb"],
           "index_s": med(lambda r: r["index_s"]), "load_s": med(lambda r: r["load_s"]),
           "chunks_per_s": med(lambda r: r["chunks"] / r["index_s"]),
           "vectors_per_s": med(lambda r: r["vectors"] / r["index_s"]),
           "mb_per_s": round(median(r["input_mb"] / r["index_s"] for r in ok), 6),
           "peak_rss_mb": med(lambda r: r["peak_rss_mb"]),
           # Up to the end of indexing: what `rag index` itself holds (the measure), before the
           # questions fill the query caches.
           "index_peak_rss_mb": med(lambda r: r.get("rss_after_index_mb", r["peak_rss_mb"])),
           "retrieve_p50_ms": med(lambda r: r["retrieve"]["p50_ms"]),
           "retrieve_p95_ms": med(lambda r: r["retrieve"]["p95_ms"]),
           "torch_imported": ok[0]["torch_imported"], "embedded_share": ok[0].get("embedded_share")}
    if "quality" in ok[0]:
        out["quality"] = ok[0]["quality"]  # the same index each run: the same figures
    answers: dict[str, Any] = {}
    for backend in ok[0].get("answer", {}):
        rows = [r["answer"][backend] for r in ok if "p50_ms" in r["answer"].get(backend, {})]
        answers[backend] = ({"p50_ms": round(median(x["p50_ms"] for x in rows), 2),
                             "p95_ms": round(median(x["p95_ms"] for x in rows), 2)} if rows
                            else ok[0]["answer"][backend])
    if answers:
        out["answer"] = answers
    return out


def ratios(ours: dict[str, Any], plain: dict[str, Any]) -> dict[str, float]:
    keys = ("chunks_per_s", "mb_per_s", "index_peak_rss_mb", "peak_rss_mb", "retrieve_p50_ms", "retrieve_p95_ms",
            "load_s")
    return {k: round(ours[k] / plain[k], 2) for k in keys if k in ours and k in plain and plain[k]}


def run_bench(args: argparse.Namespace, log=print) -> dict[str, Any]:
    from bench import cold as bench_cold
    from bench import scale as bench_scale

    if args.realtimeqa:
        if not (REALTIMEQA / "corpus").is_dir():
            from rag.errors import RagError

            raise RagError(f"--realtimeqa: no benchmark at {REALTIMEQA}")
        args.corpus, args.gold = str(REALTIMEQA / "corpus"), str(REALTIMEQA / "gold.jsonl")
        args.questions = args.questions or args.gold
        args.chunk_size, args.chunk_overlap = args.chunk_size or 1024, 200  # LlamaIndex's own defaults
        args.models = args.models.split(",")[0]
        args.no_cold = True
    models = [m for m in args.models.split(",") if m]
    questions = load_questions(args.questions)
    if args.keep:
        try:
            Path(args.keep).mkdir(parents=True, exist_ok=True)
        except OSError as err:
            from rag.errors import RagError

            raise RagError(f"--keep {args.keep}: cannot create that folder ({err.strerror})") from None
    work = Path(tempfile.mkdtemp(prefix="rag-bench-", dir=args.keep or None))
    corpus = args.corpus
    if args.limit and not args.quick:
        corpus = str(work / "corpus")
        os.makedirs(corpus)
        for f in sorted(p for p in Path(args.corpus).iterdir() if p.is_file())[:args.limit]:
            shutil.copy(f, corpus)
    if args.quick:
        models, args.runs, questions = models[:1], 1, questions[:5]
        corpus = str(work / "corpus")
        os.makedirs(corpus)
        for f in sorted(Path(args.corpus).iterdir())[:2]:
            shutil.copy(f, corpus)
    qfile = work / "questions.txt"
    qfile.write_text("\n".join(questions), encoding="utf-8")
    chunk_size = args.chunk_size or _our_chunk_tokens()
    result: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_avg_start": os.getloadavg()},
        "settings": {"corpus": args.corpus, "files": sum(1 for p in Path(corpus).rglob("*") if p.is_file()),
                     "limit": args.limit, "questions": len(questions), "runs": args.runs, "models": models,
                     "backends": args.backends, "plain_chunk_size": chunk_size,
                     "plain_chunk_overlap": args.chunk_overlap, "gold": args.gold or "", "quick": args.quick},
        "runs": {}}
    impls = [f"ours:{m}" for m in models] + ([f"ours:{models[0]}@server"] if args.server else [])
    impls += [] if args.no_plain else ["plain"]
    last_index: dict[str, str] = {}
    try:
        for run in range(args.runs):
            for impl in impls:
                index = str(work / f"{impl.replace(':', '_').replace('@', '_')}-{run}")
                log(f"run {run + 1}/{args.runs}: {impl} …")
                if impl == "plain":
                    row = worker("plain", corpus, index, str(qfile), chunk_size=chunk_size,
                                 chunk_overlap=args.chunk_overlap, gold=args.gold)
                elif impl.endswith("@server"):
                    from rag.store.server import ChromaServer

                    with ChromaServer(index) as server:
                        row = worker("ours", corpus, index, str(qfile), model=impl[5:-7], backends=args.backends,
                                     chroma_url=server.url, gold=args.gold)
                        row["server_peak_rss_mb"] = round(server.peak_rss_mb(), 1)
                else:
                    row = worker("ours", corpus, index, str(qfile), model=impl[5:], backends=args.backends,
                                 gold=args.gold)
                    last_index[impl[5:]] = index
                result["runs"].setdefault(impl, []).append(row)
        result["summary"] = {impl: summarise(rows) for impl, rows in result["runs"].items()}
        plain = result["summary"].get("plain", {})
        result["ratios"] = {f"{impl}/plain": ratios(s, plain) for impl, s in result["summary"].items()
                            if impl != "plain" and "error" not in s and "error" not in plain and plain}
        if not args.no_cold:
            result["cold"] = cold_starts(bench_cold, models, last_index, 1 if args.quick else args.runs, log)
        sizes = [int(n) for n in args.scale.split(",") if n] or ([1000] if args.quick else [])
        modes = ["embedded"] if args.quick else [m for m in args.scale_modes.split(",") if m]
        if sizes:
            result["scale"] = []
            for n in sizes:
                for mode in modes:
                    log(f"scale: {n:,} vectors, {mode} …")
                    result["scale"].append(bench_scale.measure(n, mode))
            if max(sizes) >= 50_000:  # smaller stores are mostly fixed overhead: nothing to extrapolate from
                result["scale_extrapolated"] = [bench_scale.extrapolate(
                    [r for r in result["scale"] if r["mode"] == m], 1_000_000) for m in modes]
        result["extrapolation"] = extrapolate_corpus(result["summary"], corpus)
        result["goals"] = goals(result)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    result["machine"]["load_avg_end"] = os.getloadavg()
    return result


def _our_chunk_tokens() -> int:
    from rag.config import Config

    return Config.load().chunk_tokens


def cold_starts(bench_cold, models: list[str], indexes: dict[str, str], runs: int, log) -> dict[str, Any]:
    out: dict[str, Any] = {"ask": {}, "ui": {}, "imports": {}}
    for model in models:
        if model not in indexes:
            continue
        log(f"cold start: rag ask, rag ui ({model}) …")
        asks = [bench_cold.cold_ask(indexes[model], SAMPLE_QUESTION, model) for _ in range(runs)]
        uis = [bench_cold.cold_ui(indexes[model], SAMPLE_QUESTION, model) for _ in range(runs)]
        good = [a["s"] for a in asks if a["ok"]]
        out["ask"][model] = {"median_s": round(median(good), 3) if good else None, "runs": asks}
        ready = [u["ready_s"] for u in uis if u.get("ready_s")]
        first = [u["first_answer_s"] for u in uis if u.get("first_answer_s")]
        out["ui"][model] = {"ready_median_s": round(median(ready), 3) if ready else None,
                            "first_answer_median_s": round(median(first), 3) if first else None, "runs": uis}
        out["imports"][model] = bench_cold.import_profile(indexes[model], SAMPLE_QUESTION, model)
    return out


def extrapolate_corpus(summary: dict[str, Any], corpus: str, articles: int = 100_000) -> dict[str, Any]:
    """Embedding + indexing time for `articles` articles like these, from measured MB/s (one process)."""
    files = [f for f in Path(corpus).rglob("*") if f.is_file()]
    if not files:
        return {}
    avg_mb = sum(f.stat().st_size for f in files) / len(files) / 1e6
    out: dict[str, Any] = {"articles": articles, "avg_article_kb": round(avg_mb * 1000, 1)}
    for impl, s in summary.items():
        if "mb_per_s" in s and s["mb_per_s"]:
            hours = articles * avg_mb / s["mb_per_s"] / 3600
            out[impl] = {"hours_one_process": round(hours, 2), "chunks": round(s["chunks"] / len(files) * articles)}
    return out


def goals(result: dict[str, Any]) -> dict[str, Any]:
    """The issue's targets, judged on the first model measured (the default unless --models says otherwise)."""
    out: dict[str, Any] = {}
    model = (result.get("settings", {}).get("models") or [""])[0]
    impl = f"ours:{model}"
    summary, ratio = result.get("summary", {}), result.get("ratios", {}).get(f"{impl}/plain", {})
    if "mb_per_s" in ratio:
        out["indexing_mb_per_s_ratio"] = _goal(ratio["mb_per_s"], GOALS["indexing_mb_per_s_ratio"], ">=", impl)
    if "index_peak_rss_mb" in ratio:
        out["peak_memory_ratio"] = _goal(ratio["index_peak_rss_mb"], GOALS["peak_memory_ratio"], "<=",
                                         f"{impl}, while indexing; with the questions after it "
                                         f"{ratio.get('peak_rss_mb')}x")
    hit = summary.get(impl, {}).get("quality", {}).get("hit@5")
    if hit is not None and summary[impl]["quality"]["n"]:  # a subset may hold no question's sources
        out["hit_at_5"] = _goal(hit, GOALS["hit_at_5"], ">=", f"{impl}, {summary[impl]['quality']['n']} questions")
    on_seeds = Path(result.get("settings", {}).get("corpus") or "seeds").name == "seeds"
    if "retrieve_p50_ms" in summary.get(impl, {}) and on_seeds:
        out["retrieve_p50_ms_seeds"] = _goal(summary[impl]["retrieve_p50_ms"], GOALS["retrieve_p50_ms_seeds"], "<=",
                                             impl)
    scale = [r for r in result.get("scale", []) if r.get("n") == 100_000 and "error" not in r]
    if scale:
        out["retrieve_p50_ms_100k"] = _goal(max(r["query_p50_ms"] for r in scale), GOALS["retrieve_p50_ms_100k"], "<=",
                                            "store alone, worst mode")
    cold = result.get("cold", {})
    ask = cold.get("ask", {}).get(model, {}).get("median_s")
    if ask:
        out["cold_ask_s"] = _goal(ask, GOALS["cold_ask_s"], "<=", model)
    ready = cold.get("ui", {}).get(model, {}).get("ready_median_s")
    if ready:
        out["ui_ready_s"] = _goal(ready, GOALS["ui_ready_s"], "<=", model)
    return out


def _goal(measured: float, target: float, op: str, note: str = "") -> dict[str, Any]:
    met = measured >= target if op == ">=" else measured <= target
    return {"measured": measured, "target": f"{op} {target}", "met": met, **({"note": note} if note else {})}


def table(result: dict[str, Any]) -> str:
    rows = [("pipeline", "chunks/s", "MB/s", "index peak MB", "peak MB", "load s", "retr p50", "retr p95",
             "answer p50")]
    for impl, s in result.get("summary", {}).items():
        if "error" in s:
            rows.append((impl, "error: " + s["error"].splitlines()[-1][:60], "", "", "", "", "", "", ""))
            continue
        ans = "; ".join(f"{b} {a['p50_ms']:.0f}" if "p50_ms" in a else f"{b} n/a"
                        for b, a in s.get("answer", {}).items()) or "—"
        rows.append((impl, f"{s['chunks_per_s']:.1f}", f"{s['mb_per_s']:.5f}",
                     f"{s.get('index_peak_rss_mb', s['peak_rss_mb']):.0f}", f"{s['peak_rss_mb']:.0f}",
                     f"{s['load_s']:.1f}", f"{s['retrieve_p50_ms']:.1f}", f"{s['retrieve_p95_ms']:.1f}", ans))
    for name, r in result.get("ratios", {}).items():
        rows.append((name, *(f"{r.get(k, float('nan')):.2f}x" for k in
                             ("chunks_per_s", "mb_per_s", "index_peak_rss_mb", "peak_rss_mb", "load_s",
                              "retrieve_p50_ms",
                              "retrieve_p95_ms")), ""))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in rows]
    for impl, s in result.get("summary", {}).items():
        if "quality" in s or s.get("embedded_share") is not None:
            q = s.get("quality", {})
            lines.append(f"{impl}: share of the text reaching the vectors {s.get('embedded_share')}"
                         + (f"; retrieval on {q['n']} questions: hit@5 {q['hit@5']}, MRR {q['mrr']}" if q else "")
                         + (f", a gold fact in the top 5 {q['answer@5']}" if q.get("answer@5") is not None else ""))
    settings = result.get("settings", {})
    limit = f", first {settings['limit']} by name" if settings.get("limit") else ""
    lines.append(f"corpus: {settings.get('corpus')} ({settings.get('files')} files{limit})")
    cold = result.get("cold", {})
    for model, a in cold.get("ask", {}).items():
        u = cold["ui"].get(model, {})
        lines.append(f"cold `rag ask` ({model}): {a['median_s']} s; UI serving {u.get('ready_median_s')} s, "
                     f"first UI answer {u.get('first_answer_median_s')} s")
        lines.append("  imports: " + ", ".join(f"{k} {v:.2f}s" for k, v in cold["imports"].get(model, [])))
    for r in result.get("scale", []) + [x for x in result.get("scale_extrapolated", []) if x]:
        if "error" in r:
            lines.append(f"store {r['n']:,} {r['mode']}: error")
            continue
        mem = r.get("server_rss_mb") or r.get("rss_growth_mb") or r.get("memory_mb")
        p95 = "" if r.get("estimated") else f" p95 {r['query_p95_ms']} ms"
        lines.append(f"store {r['n']:>9,} {r['mode']:8} {'(estimated) ' if r.get('estimated') else ''}"
                     f"build {r['build_s']} s, query p50 {r['query_p50_ms']} ms{p95}, memory {mem} MB, "
                     f"disk {r['disk_mb']} MB")
    for name, g in result.get("goals", {}).items():
        lines.append(f"goal {name}: {g['measured']} (target {g['target']}) {'met' if g['met'] else 'NOT met'}")
    lines.append(f"load average {result['machine']['load_avg_start'][0]:.1f} -> "
                 f"{result['machine'].get('load_avg_end', [0])[0]:.1f} on {result['machine']['cpus']} CPUs "
                 "(shared machine: compare ratios, not absolute figures)")
    return "\n".join(lines)


def handle(args: argparse.Namespace) -> int:
    import rag  # noqa: F401  (offline settings)

    t = time.perf_counter()
    result = run_bench(args, log=lambda m: print(m, file=sys.stderr, flush=True))
    result["seconds"] = round(time.perf_counter() - t, 1)
    print(table(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
        print(f"wrote {args.json}")
    return 0 if all("error" not in s for s in result.get("summary", {}).values()) else 1


def main(argv: list[str] | None = None) -> int:
    return handle(configure(argparse.ArgumentParser(prog="python -m bench.suite")).parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
