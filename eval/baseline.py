"""The regression gate: compare a run's summary with the committed baseline (eval/baseline.json).

A gated metric fails when it falls below `baseline - tolerance` (or rises above `baseline + tolerance`
for metrics where lower is better). A metric that became null while the baseline has a number fails too.
The baseline changes only through `rag eval --update-baseline`, whose diff is then reviewed in a commit.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from eval.gold import GoldError
from eval.scoring import get_metric, metric_n

DEFAULT_BASELINE = Path(__file__).resolve().parent / "baseline.json"

# metric -> (higher_is_better, default tolerance). Latency is reported but not gated (machine-dependent).
GATED: dict[str, tuple[bool, float]] = {
    "retrieval.hit_rate": (True, 0.03),
    "retrieval.mrr": (True, 0.03),
    "retrieval.recall": (True, 0.03),
    "answer.fact_recall": (True, 0.05),
    "answer.f1": (True, 0.03),
    "answer.similarity": (True, 0.03),
    "answer.malformed_rate": (False, 0.05),
    "citations.precision": (True, 0.05),
    "citations.valid_rate": (True, 0.05),
    "citations.dangling": (False, 0.0),
    "refusal.accuracy": (True, 0.0),
    "refusal.false_refusal_rate": (False, 0.05),
}
# Recorded, never gated.
INFORMATIONAL = ["answer.fallback_rate", "ttft_ms.p50", "ttft_ms.p95", "latency_ms.p50", "latency_ms.p95"]


@dataclass
class Failure:
    metric: str
    value: float | None
    baseline: float
    tolerance: float
    higher_is_better: bool

    def message(self) -> str:
        if self.value is None:
            return f"{self.metric} is null (nothing scored) but the baseline is {self.baseline:g}"
        if self.higher_is_better:
            return (f"{self.metric} fell to {self.value:g}, below baseline {self.baseline:g} "
                    f"- tolerance {self.tolerance:g}")
        return (f"{self.metric} rose to {self.value:g}, above baseline {self.baseline:g} "
                f"+ tolerance {self.tolerance:g}")


def load_baseline(path: str | Path = DEFAULT_BASELINE) -> dict[str, Any]:
    p = Path(path)
    if not p.is_file():
        raise GoldError(f"{p}: no baseline yet; record one with `rag eval --update-baseline`")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise GoldError(f"{p}:{exc.lineno}: malformed baseline JSON ({exc.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise GoldError(f"{p}: a baseline needs a 'metrics' object")
    return data


def check(summary: dict[str, Any], baseline: dict[str, Any]) -> list[Failure]:
    """Every gated metric that regressed beyond its tolerance."""
    failures = []
    tolerances = baseline.get("tolerance", {})
    for metric, (higher, default_tol) in GATED.items():
        base = baseline["metrics"].get(metric)
        if base is None:
            continue
        tol = float(tolerances.get(metric, default_tol))
        value = get_metric(summary, metric)
        if value is None:
            failures.append(Failure(metric, None, base, tol, higher))
        elif higher and value < base - tol - 1e-9:
            failures.append(Failure(metric, value, base, tol, higher))
        elif not higher and value > base + tol + 1e-9:
            failures.append(Failure(metric, value, base, tol, higher))
    return failures


def mismatches(summary: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    """Ways this run differs from the one the baseline was recorded on (warnings, not failures)."""
    notes = []
    run, rec = summary.get("run", {}), baseline.get("run", {})
    for key in ("gold_sha256", "generator", "top_k", "corpus"):
        if rec.get(key) is not None and run.get(key) != rec.get(key):
            notes.append(f"{key}: baseline {rec.get(key)!r}, this run {run.get(key)!r}")
    return notes


def make_baseline(summary: dict[str, Any], previous: dict[str, Any] | None = None) -> dict[str, Any]:
    tolerance = {k: tol for k, (_, tol) in GATED.items()}
    if previous:
        tolerance.update(previous.get("tolerance", {}))
    return {
        "recorded": date.today().isoformat(),
        "note": "Written by `rag eval --update-baseline`; review the diff before committing.",
        "run": {k: summary.get("run", {}).get(k) for k in ("gold", "gold_sha256", "corpus", "generator", "top_k")},
        "metrics": {k: get_metric(summary, k) for k in [*GATED, *INFORMATIONAL]},
        "n": {k: metric_n(summary, k) for k in [*GATED, *INFORMATIONAL]},
        "tolerance": tolerance,
    }


def write_baseline(summary: dict[str, Any], path: str | Path = DEFAULT_BASELINE) -> list[str]:
    """Write the new baseline; return "metric: old -> new" lines for the changes."""
    p = Path(path)
    previous = load_baseline(p) if p.is_file() else None
    new = make_baseline(summary, previous)
    p.write_text(json.dumps(new, indent=2) + "\n", encoding="utf-8")
    old = (previous or {}).get("metrics", {})
    return [f"{k}: {old.get(k)} -> {v}" for k, v in new["metrics"].items() if old.get(k) != v]


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
