"""The floor of every metric: real training images scored as if a generator had drawn them.

    python bench/quality/real_baseline.py [--data mnist-5k] [--num 1000] [--features inception]
    python bench/quality/real_baseline.py --data utkface --num 852 --metrics fid,kid,precision-recall  # faces' floor

Draws --num random training images of --data (seed 0) and runs `ganforge evaluate` on them against
the held-out split, with the same protocol as a generator. A perfect generator of this data
would score about this (FID and KID are biased upwards at small n; precision, recall, density and
coverage about 1 / 1 / 1 / ~0.95); memorisation must come out near 1, since these ARE training images.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np

from ganforge.apps.evaluate import evaluate, format_result
from ganforge.data import load_dataset


def main() -> None:
    """Evaluate real training digits as fakes and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="mnist-5k", help="a dataset with a held-out split (mnist-5k, utkface...)")
    parser.add_argument("--num", type=int, default=1000)
    parser.add_argument("--features", default="inception")
    parser.add_argument("--metrics", help="comma-separated, as `ganforge evaluate --metrics` (default: all)")
    parser.add_argument("--out", type=Path, help="also write the result JSON here")
    args = parser.parse_args()
    train = load_dataset(args.data, "train")
    rows = np.random.default_rng(0).choice(len(train), args.num, replace=False)
    with tempfile.TemporaryDirectory() as folder:
        fakes = Path(folder) / "real-train-images.npz"
        np.savez(fakes, images=np.asarray(train.images)[rows], labels=train.labels[rows])
        result = evaluate(fake=fakes, real=args.data, features=args.features, progress=True,
                          metrics=args.metrics.split(",") if args.metrics else None)
    print(f"{args.num} random real training images of {args.data} (seed 0) scored against the held-out split:")
    print(format_result(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
