"""Time from scratch to quality: train mnist-cgan and judge it every --every steps.

    python bench/speed/time_to_quality.py [--steps 3000] [--every 250] [--seed 0] [--precision bf16]

Only training steps are timed (the judging in between is not). At each point it prints the
shipped classifier's accuracy on 100 samples per digit (vs real held-out digits), the worst
digit, the smallest within-class diversity ratio, and the nearest-training-neighbour ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch

from ganforge.data import load_dataset
from ganforge.metrics import conditional_report, load_classifier
from ganforge.models.pretrained import WEIGHTS_DIR
from ganforge.training.config import PRESETS, with_changes
from ganforge.training.trainer import Trainer


def main() -> None:
    """Train, pausing the clock to judge."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--every", type=int, default=250)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--precision", default="fp32", choices=("fp32", "bf16"), help="train.precision")
    args = parser.parse_args()
    train, heldout = load_dataset("mnist-5k", "train"), load_dataset("mnist-5k", "heldout")
    classifier = load_classifier(WEIGHTS_DIR / "mnist-classifier")
    run = with_changes(PRESETS.get("mnist-cgan").run, steps=args.steps, seed=args.seed,
                       precision=args.precision)
    trainer = Trainer(run, train, run_dir=Path(tempfile.mkdtemp()), device=torch.device("cpu"), progress=False)
    generator = trainer.sampling_generator()

    @torch.no_grad()
    def sampler(count: int, label: int) -> torch.Tensor:
        noise = torch.Generator().manual_seed(label)
        z = generator.sample_latent(count, generator=noise)
        return generator(z, torch.full((count,), label))

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"{'step':>6} {'train s':>8} {'acc':>6} {'real':>6} {'worst':>6} {'min div':>8} {'NN ratio':>9}")
    seconds = 0.0
    for module in trainer.networks.values():
        module.train()
    for step in range(args.steps):
        started = time.perf_counter()
        trainer.train_step(step)
        seconds += time.perf_counter() - started
        if (step + 1) % args.every == 0:
            trainer.step = step + 1
            trainer.refresh_ema()
            generator.eval()
            report = conditional_report(sampler, classifier, train, heldout)
            print(
                f"{step + 1:>6} {seconds:>8.0f} {report['fake_accuracy']:>6.3f} {report['real_accuracy']:>6.3f} "
                f"{report['worst_class_fake_accuracy']:>6.2f} {report['min_diversity_ratio']:>8.3f} "
                f"{report['nn_distance_ratio']:>9.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
