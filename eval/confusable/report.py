"""The retrieval benchmark's figures side by side, and the rule that picks the default configuration.

    python -m eval.confusable.report seeds.json confusable.json aragog.json [--slow LABEL_TEXT ...]

Rule (no configuration need be best on every set): among the configurations measured on every set,
leave out those too slow for the query-latency target (named by --slow) and those whose hit@5 on any set
is below the incumbent default's by more than one question; the default is the one with the highest MRR
averaged over the sets (each set counts once, whatever its size). Mean-MRR differences smaller than half
a question on the smallest set would make count as ties: a tie goes to the higher mean hit@1, then to the
incumbent.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# The default chosen by this rule (it was "hybrid + evidence + dates + dedup" before).
INCUMBENT = "hybrid + evidence + dates + dedup, title embedded (default)"
ORDER = ("seeds", "confusable", "aragog")

Results = dict[str, dict[str, dict[str, float]]]


def merge(parts: list[Results]) -> Results:
    out: Results = {}
    for part in parts:
        for set_name, rows in part.items():
            out.setdefault(set_name, {}).update(rows)
    return {s: out[s] for s in sorted(out, key=lambda s: ORDER.index(s) if s in ORDER else len(ORDER))}


def means(results: Results, label: str) -> dict[str, float] | None:
    rows = [per_set.get(label) for per_set in results.values()]
    if not rows or any(r is None for r in rows):
        return None
    return {m: sum(r[m] for r in rows) / len(rows) for m in ("hit@1", "hit@5", "mrr")}


def choose(results: Results, incumbent: str = INCUMBENT, slow: tuple[str, ...] = ()) -> tuple[str, list[str]]:
    """(the label chosen, why each other complete configuration was not)."""
    notes: list[str] = []
    base = {s: rows[incumbent] for s, rows in results.items()}
    tie = min(0.5 / rows[incumbent]["n"] for rows in results.values()) / len(results)  # as it moves the mean
    candidates = []
    for label in dict.fromkeys(label for rows in results.values() for label in rows):
        m = means(results, label)
        if m is None:
            continue
        if any(text in label for text in slow):
            notes.append(f"{label}: too slow for the latency target")
            continue
        short = [s for s, rows in results.items()
                 if rows[label]["hit@5"] < base[s]["hit@5"] - 1.0 / base[s]["n"] - 1e-9]
        if short:
            notes.append(f"{label}: hit@5 more than one question below the default on {', '.join(short)}")
            continue
        candidates.append((label, m))
    best_mrr = max(m["mrr"] for _, m in candidates)
    tied = [(label, m) for label, m in candidates if best_mrr - m["mrr"] <= tie]
    tied.sort(key=lambda lm: (lm[1]["hit@1"], lm[0] == incumbent), reverse=True)
    return tied[0][0], notes


def summary(results: Results, bold: str = "") -> str:
    sets = list(results)
    head = "| configuration | " + " | ".join(f"{s} hit@1 / @5 / MRR" for s in sets) + " | mean hit@1 / @5 / MRR |"
    lines = [head, "|---|" + "---|" * (len(sets) + 1)]
    for label in dict.fromkeys(label for rows in results.values() for label in rows):
        cells = []
        for s in sets:
            r = results[s].get(label)
            cells.append(f"{r['hit@1']:.3f} / {r['hit@5']:.3f} / {r['mrr']:.3f}" if r else "—")
        m = means(results, label)
        cells.append(f"{m['hit@1']:.3f} / {m['hit@5']:.3f} / {m['mrr']:.3f}" if m else "—")
        if label == bold:
            cells = [f"**{c}**" for c in cells]
            label = f"**{label}**"
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def latency(results: Results) -> str:
    sets = list(results)
    lines = ["| configuration | " + " | ".join(f"{s} p50 ms" for s in sets) + " |", "|---|" + "---|" * len(sets)]
    for label in dict.fromkeys(label for rows in results.values() for label in rows):
        lines.append(f"| {label} | " + " | ".join(
            f"{results[s][label]['p50_ms']:.0f}" if label in results[s] else "—" for s in sets) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+", type=Path, help="--json outputs of eval.confusable.bench")
    ap.add_argument("--slow", action="append", default=[], help="text of labels too slow to be the default")
    args = ap.parse_args(argv)
    results = merge([json.loads(f.read_text(encoding="utf-8")) for f in args.files])
    chosen, notes = choose(results, slow=tuple(args.slow))
    print(summary(results, bold=chosen))
    print()
    print(latency(results))
    print(f"\nchosen: {chosen}")
    for note in notes:
        print(f"- {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
