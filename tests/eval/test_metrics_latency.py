from eval.metrics import latency_summary


def test_latency_summary_percentiles_and_empty():
    assert latency_summary([100.0, 200.0, 300.0]) == {"p50": 200.0, "p95": 290.0, "n": 3}
    assert latency_summary([]) == {"p50": None, "p95": None, "n": 0}
    assert latency_summary([1.234]) == {"p50": 1.2, "p95": 1.2, "n": 1}
