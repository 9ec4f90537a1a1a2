"""Time the synthetic generator at production scale; prints one JSON line.

The target is one million enterprises with two banks in at most 60 s on two
cores, so that a fresh demo or CI machine can build realistic data on the fly.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

from federation.data import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--banks", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        summary = generate(out, args.enterprises, args.banks, args.seed)
        seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "bench": "synth",
                "enterprises": args.enterprises,
                "banks": args.banks,
                "seconds": round(seconds, 2),
                "events": summary.event_count,
                "bank_customers": [b.customers for b in summary.banks],
            }
        )
    )


if __name__ == "__main__":
    main()
