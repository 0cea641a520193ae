"""Train the digit classifier that judges conditional MNIST generators, and ship it.

    python bench/train_digit_classifier.py [--steps 1500] [--seed 0]

Trains on the mnist-5k `train` split (4,000 real digits), reports accuracy on the 1,000
held-out digits, and writes src/ganforge/weights/mnist-classifier/ (safetensors + card.json).
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import torch

from ganforge.data import load_dataset
from ganforge.metrics import classify, save_classifier, train_classifier

OUT = Path(__file__).resolve().parent.parent / "src" / "ganforge" / "weights" / "mnist-classifier"


def main() -> None:
    """Train, measure, save."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    train, heldout = load_dataset("mnist-5k", "train"), load_dataset("mnist-5k", "heldout")
    started = time.perf_counter()
    model = train_classifier(train, steps=args.steps, seed=args.seed)
    seconds = time.perf_counter() - started
    images, labels = heldout.batch(range(len(heldout)))
    accuracy = float((classify(model, images) == labels).float().mean())
    card = {
        "command": f"python bench/train_digit_classifier.py --steps {args.steps} --seed {args.seed}",
        "data": "mnist-5k train split (4,000 real digits)",
        "heldout_accuracy": round(accuracy, 4),
        "train_seconds": round(seconds, 1),
        "machine": f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}",
    }
    save_classifier(model, args.out, card)
    print(f"held-out accuracy {accuracy:.4f} on {len(heldout)} real digits; trained in {seconds:.0f} s")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
