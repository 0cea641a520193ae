"""Train a 28x28 classifier on real data (the judge of conditional generators and the domain
feature network for quick FID), and ship it.

    python bench/weights/train_classifier.py [--data mnist-5k] [--steps 1500] [--seed 0]
    python bench/weights/train_classifier.py --data fashion-mnist --steps 3000

Trains on the dataset's `train` split, reports accuracy on its held-out split, and writes
src/ganforge/weights/<shipped name>/ (safetensors + card.json): mnist-classifier for mnist-5k,
fashion-classifier for fashion-mnist.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import torch

from ganforge.data import load_dataset
from ganforge.metrics import classify, save_classifier, train_classifier

WEIGHTS = Path(__file__).resolve().parents[2] / "src" / "ganforge" / "weights"
SHIPPED_NAMES = {"mnist-5k": "mnist-classifier", "fashion-mnist": "fashion-classifier"}


def main() -> None:
    """Train, measure, save."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", default="mnist-5k", help="a labelled 28x28 dataset")
    parser.add_argument("--out", type=Path, help="default: the shipped folder for --data")
    args = parser.parse_args()
    out = args.out or WEIGHTS / SHIPPED_NAMES.get(args.data, args.data.replace("/", "-") + "-classifier")
    train, heldout = load_dataset(args.data, "train"), load_dataset(args.data, "heldout")
    started = time.perf_counter()
    model = train_classifier(train, steps=args.steps, seed=args.seed)
    seconds = time.perf_counter() - started
    images, labels = heldout.batch(range(len(heldout)))
    accuracy = float((classify(model, images) == labels).float().mean())
    card = {
        "command": f"python bench/weights/train_classifier.py --data {args.data} --steps {args.steps} --seed {args.seed}",
        "data": f"{args.data} train split ({len(train):,} real images)",
        "heldout_accuracy": round(accuracy, 4),
        "train_seconds": round(seconds, 1),
        "machine": f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}",
    }
    save_classifier(model, out, card)
    print(f"held-out accuracy {accuracy:.4f} on {len(heldout)} real images; trained in {seconds:.0f} s")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
