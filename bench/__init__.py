"""Performance benchmarks: speed, memory and cold start, measured side by side in fresh processes.

    rag bench [--quick] [--realtimeqa --limit N] [--scale N,…]   # suite: ours against a plain LlamaIndex pipeline
    python -m bench.serve --index DIR                            # what `rag serve` buys
    python -m bench.scale --n 100000                             # the store alone at scale

Modules: suite (`rag bench`), worker (one measurement in a fresh process), cold (cold starts), scale,
serve. Answer quality is measured apart, by `eval/` (`rag eval`).
"""
