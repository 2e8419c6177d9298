"""Reference statistics for shared/sweep.ts, computed with numpy (issue 12: percentiles must match numpy's default
linear interpolation to the printed digit).

Reads fixtures/sweeps/testdata/recorded-latencies.json (e2e ms recorded by a demo sweep) and writes
fixtures/sweeps/testdata/numpy-reference.json: for every sample, numpy's mean, median, P90/P95/P99 (np.percentile,
default method "linear") and population standard deviation (np.std, ddof=0, as `vllm bench serve` prints it).

    python3 scripts/sweep-percentile-reference.py
"""
import json
import pathlib

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "sweeps" / "testdata"


def main() -> None:
    recorded = json.loads((HERE / "recorded-latencies.json").read_text())
    out = {"numpy": np.__version__, "stats": {}}
    for key, values in recorded["samples"].items():
        xs = np.asarray(values, dtype=float)
        out["stats"][key] = {
            "n": int(xs.size),
            "mean": float(np.mean(xs)),
            "median": float(np.median(xs)),
            "p90": float(np.percentile(xs, 90)),
            "p95": float(np.percentile(xs, 95)),
            "p99": float(np.percentile(xs, 99)),
            "std": float(np.std(xs)),
            "min": float(np.min(xs)),
            "max": float(np.max(xs)),
        }
    (HERE / "numpy-reference.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
