"""Classification Accuracy Score of a conditional generator (Ravuri & Vinyals 2019).

    python bench/quality/cas.py [--model mnist-cgan | --checkpoint RUN] [--per-class 400] [--steps 500] [--seed 0]

Draws --per-class samples of every class with `ganforge augment` (the set a user would get), trains
ganforge's small CNN on them alone and, beside it, the same CNN with the same schedule on as many
real training images of the model's data; both are tested on the real held-out split. Writes
docs/eval/cas-NAME.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

import torch

from ganforge.apps.augment import augment
from ganforge.data import load_dataset
from ganforge.metrics.cas import classification_accuracy_score

DOCS = Path(__file__).resolve().parents[2] / "docs"


def main() -> None:
    """Augment, train both classifiers, print, write."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--model", default=None)
    source.add_argument("--checkpoint")
    parser.add_argument("--per-class", type=int, default=400)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    model = args.model or (None if args.checkpoint else "mnist-cgan")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        manifest = augment(model=model, checkpoint=args.checkpoint, per_class=args.per_class,
                           out=Path(folder) / "synthetic", seed=args.seed)
        synthetic = load_dataset(str(Path(folder) / "synthetic"))
    data = manifest["trained_on"]
    train, heldout = load_dataset(data, "train"), load_dataset(data, "heldout")
    scores = classification_accuracy_score(synthetic.images, synthetic.labels, heldout.images, heldout.labels,
                                           real_images=train.images, real_labels=train.labels, steps=args.steps,
                                           seed=args.seed)
    name = model or Path(args.checkpoint).name
    report = {"machine": f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}",
              "command": f"python bench/quality/cas.py {'--model ' + model if model else '--checkpoint ' + args.checkpoint} "
                         f"--per-class {args.per_class} --steps {args.steps} --seed {args.seed}",
              "model": name, "data": data, "test": f"{data} held-out ({len(heldout)} images)",
              **{k: round(v, 4) if isinstance(v, float) else v for k, v in scores.items()},
              "seconds": round(time.perf_counter() - started, 1)}
    print(f"CAS {scores['cas']:.4f} (trained on {scores['cas_train_images']} generated images); the same classifier "
          f"on {scores['cas_real_train_images']} real images: {scores['cas_real']:.4f}")
    (DOCS / "eval").mkdir(parents=True, exist_ok=True)
    (DOCS / "eval" / f"cas-{name}.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
