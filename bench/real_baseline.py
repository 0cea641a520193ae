"""The floor of every metric: real training digits scored as if a generator had drawn them.

    python bench/real_baseline.py [--num 1000] [--features inception]

Draws --num random mnist-5k training digits (seed 0) and runs `ganforge evaluate` on them against
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

from ganforge.apps.evaluate import evaluate
from ganforge.cli.evaluate import format_result
from ganforge.data import load_dataset


def main() -> None:
    """Evaluate real training digits as fakes and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num", type=int, default=1000)
    parser.add_argument("--features", default="inception")
    parser.add_argument("--out", type=Path, help="also write the result JSON here")
    args = parser.parse_args()
    train = load_dataset("mnist-5k", "train")
    rows = np.random.default_rng(0).choice(len(train), args.num, replace=False)
    with tempfile.TemporaryDirectory() as folder:
        fakes = Path(folder) / "real-train-digits.npz"
        np.savez(fakes, images=train.images[rows], labels=train.labels[rows])
        result = evaluate(fake=fakes, real="mnist-5k", features=args.features, progress=True)
    print(f"{args.num} random real training digits (seed 0) scored against the held-out split:")
    print(format_result(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
