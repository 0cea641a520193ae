"""Judge a conditional MNIST generator with a classifier trained on real digits (not the discriminator).

    python bench/mnist_cgan_quality.py [--model mnist-cgan | --checkpoint RUN] [--per-class 100] [--seed 0]

Prints, per digit: classifier accuracy on samples vs on real held-out digits, within-class
diversity of samples relative to real digits, and distances to the nearest training digit
(samples vs real held-out digits: memorised samples would sit far closer than real ones).
"""

from __future__ import annotations

import argparse
import json

import torch

from ganforge.apps.generate import generate, load_model
from ganforge.data import load_dataset
from ganforge.metrics import conditional_report, load_classifier
from ganforge.models.pretrained import WEIGHTS_DIR


def main() -> None:
    """Sample, classify, compare, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--model", default=None)
    source.add_argument("--checkpoint", default=None)
    parser.add_argument("--per-class", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write the report here")
    args = parser.parse_args()
    loaded = load_model(model=args.model or (None if args.checkpoint else "mnist-cgan"), checkpoint=args.checkpoint)

    def sampler(count: int, label: int) -> torch.Tensor:
        return generate(loaded, count, label=label, seed=args.seed * 1000 + label)[0]

    report = conditional_report(
        sampler,
        load_classifier(WEIGHTS_DIR / "mnist-classifier"),
        load_dataset("mnist-5k", "train"),
        load_dataset("mnist-5k", "heldout"),
        per_class=args.per_class,
    )
    print(f"generator: {loaded.source} (step {loaded.state['step']})")
    print(f"{'digit':>5} {'acc(samples)':>13} {'acc(real)':>10} {'diversity':>10} {'NN(samples)':>12} {'NN(real)':>9}")
    for label, row in report["classes"].items():
        print(
            f"{label:>5} {row['fake_accuracy']:>13.3f} {row['real_accuracy']:>10.3f} {row['diversity_ratio']:>10.3f} "
            f"{row['fake_nn_distance']:>12.2f} {row['real_nn_distance']:>9.2f}"
        )
    print(
        f"all   {report['fake_accuracy']:>13.3f} {report['real_accuracy']:>10.3f} {report['min_diversity_ratio']:>10.3f}"
        f"   (worst digit {report['worst_class_fake_accuracy']:.3f}; NN distance ratio samples/real "
        f"{report['nn_distance_ratio']:.3f})"
    )
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(report, handle, indent=2)


if __name__ == "__main__":
    main()
