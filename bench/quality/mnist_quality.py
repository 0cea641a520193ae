"""Judge an MNIST generator with a classifier trained on real digits (not the discriminator).

    python bench/quality/mnist_quality.py [--model mnist-cgan | --checkpoint RUN] [--per-class 100] [--seed 0]
                                  [--truncation PSI]

Conditional models, per digit: classifier accuracy on samples vs on real held-out digits,
within-class diversity of samples relative to real digits, and distances to the nearest training
digit (samples vs real held-out digits: memorised samples would sit far closer than real ones).
Unconditional models: the share of each digit among 1,000 samples (mode coverage), the share the
classifier is confident about, diversity and nearest-neighbour distances against real digits.
Samples of another size (stylegan2-mnist: 32x32) are resized to 28x28 before judging.
--truncation (style-based models) trades diversity for fidelity; the report records it.
"""

from __future__ import annotations

import argparse
import json

from ganforge.apps.generate import generate, load_model
from ganforge.data import load_dataset
from ganforge.metrics import conditional_report, load_classifier, unconditional_report
from ganforge.metrics.classifier import to_classifier_size
from ganforge.models.pretrained import WEIGHTS_DIR


def main() -> None:
    """Sample, classify, compare, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--model", default=None)
    source.add_argument("--checkpoint", default=None)
    parser.add_argument("--per-class", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--truncation", type=float, default=1.0, help="psi for style-based models (1: none)")
    parser.add_argument("--json", help="also write the report here")
    args = parser.parse_args()
    loaded = load_model(model=args.model or (None if args.checkpoint else "mnist-cgan"), checkpoint=args.checkpoint)

    classifier = load_classifier(WEIGHTS_DIR / "mnist-classifier")
    train, heldout = load_dataset("mnist-5k", "train"), load_dataset("mnist-5k", "heldout")
    psi = args.truncation
    print(f"generator: {loaded.source} (step {loaded.state['step']}, truncation {psi})")
    if not getattr(loaded.config, "num_classes", 0):
        report = unconditional_report(
            lambda count: to_classifier_size(generate(loaded, count, seed=args.seed, truncation=psi)[0]),
            classifier, train, heldout,
        )
        print("share of each digit in 1,000 samples: " + " ".join(f"{d}:{s:.3f}" for d, s in enumerate(report["class_shares"])))
        print(f"class evenness (entropy / log 10; 1 = uniform): samples {report['class_evenness']:.3f}, "
              f"real {report['class_evenness_real']:.3f}")
        print(f"confidently classified (p > 0.9): samples {report['confident_fake']:.3f}, real {report['confident_real']:.3f}")
        print(f"diversity vs real {report['diversity_ratio']:.3f}; NN distance ratio samples/real {report['nn_distance_ratio']:.3f}")
    else:
        report = conditional_report(
            lambda count, label: generate(loaded, count, label=label, seed=args.seed * 1000 + label, truncation=psi)[0],
            classifier, train, heldout, per_class=args.per_class,
        )
        print_conditional(report)
    report["truncation"] = psi
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(report, handle, indent=2)


def print_conditional(report: dict) -> None:
    """The per-digit table."""
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


if __name__ == "__main__":
    main()
