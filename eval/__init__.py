"""Answer-quality evaluation: gold sets, deterministic metrics, the runner, reports and the CI gate.

    python -m eval --gold eval/gold.jsonl --json out.json --check      # or `rag eval ...`

Modules: gold (load/validate), metrics (pure functions), scoring (per question + summary),
runner (index, ask through RAG.ask, score), llamaindex_default (LlamaIndex's default query engine,
`--engine`), report (tables, Markdown, plot), baseline (the gate), cli.
Importing the package is light; the runner loads the chain on use.
"""

ENGINES = ("ours", "llamaindex-default")  # what answers: our chain, or LlamaIndex's default query engine
