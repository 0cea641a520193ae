"""A second, independent judge of a face model's sex: a logistic-regression probe on the FID Inception's pool3
features (ganforge.metrics.domains), fitted on UTKFace's training faces, beside the shipped face judge (a CNN
trained on the same faces). Each reads the real held-out faces and the samples of a sex-conditioned model:

    python bench/quality/face_second_judge.py --model faces-cgan [--num 426] [--out docs/eval/faces-cgan-two-judges.json]

Prints, for each judge, the share of real held-out men and women it reads right, and the share of the
model's `male` and `female` samples (--num each, seeds 0 and 1) it reads as the asked sex, and how often the
two judges agree on a sample. The training faces' Inception features come from the feature cache (the
memorisation check stores them; about 17 minutes on one Xeon core the first time).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch

from ganforge.apps.generate import generate, load_model
from ganforge.data import load_dataset
from ganforge.data.utkface import face_folder, face_table
from ganforge.metrics.cache import cache_dir, cached_features
from ganforge.metrics.domains import train_domain_judge
from ganforge.metrics.extractors import build_extractor
from ganforge.metrics.faces import read_faces, shipped_face_judge
from ganforge.utils.images import from_uint8, to_uint8

# the probe's inverse L2 weight: of 0.001, 0.01, 0.1 and 1 (`--strength`), the two smallest read the held-out real
# faces best and alike; the choice looks at real faces only, never at a model's samples
PROBE_STRENGTH = 0.01


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="faces-cgan")
    parser.add_argument("--num", type=int, default=426, help="samples of each sex (default 426: 852 in all)")
    parser.add_argument("--strength", type=float, default=PROBE_STRENGTH,
                        help=f"the probe's inverse L2 weight (default {PROBE_STRENGTH})")
    parser.add_argument("--out", help="JSON file for the table")
    args = parser.parse_args()
    started = time.perf_counter()
    inception = build_extractor("inception")
    train, heldout = load_dataset("utkface", "train"), load_dataset("utkface", "heldout")
    folder, _ = face_folder("utkface")
    train_sex, heldout_sex = face_table(folder, "train").sexes, face_table(folder, "heldout").sexes
    train_features = cached_features(inception, np.asarray(train.images), folder=cache_dir())[0].numpy()
    heldout_features = cached_features(inception, np.asarray(heldout.images), folder=cache_dir())[0].numpy()
    probe = train_domain_judge(train_features[train_sex == 0], train_features[train_sex == 1], ("male", "female"),
                               strength=args.strength)
    cnn = shipped_face_judge()

    def readings(images: np.ndarray, features: np.ndarray) -> dict[str, np.ndarray]:
        female = read_faces(cnn, from_uint8(images))[0].numpy()
        return {"face-attributes (CNN)": (female > 0.5).astype(int), "Inception probe": probe.read(features)}

    real = readings(np.asarray(heldout.images), heldout_features)
    result: dict = {"real_heldout": {judge: {"men_read_right": float((read[heldout_sex == 0] == 0).mean()),
                                             "women_read_right": float((read[heldout_sex == 1] == 1).mean())}
                                     for judge, read in real.items()}}
    loaded = load_model(model=args.model)
    for label, sex in enumerate(("male", "female")):
        images = to_uint8(generate(loaded, args.num, label=sex, seed=label)[0])  # by name: a class or a group
        read = readings(images, inception(images).numpy())
        judges = list(read)
        result[f"samples_{sex}"] = {**{judge: float((value == label).mean()) for judge, value in read.items()},
                                    "judges_agree": float((read[judges[0]] == read[judges[1]]).mean())}
    result["protocol"] = {
        "model": args.model, "samples_per_sex": args.num, "seeds": {"male": 0, "female": 1},
        "real": f"utkface held-out ({len(heldout)} faces)", "probe": f"logistic regression, C = {args.strength}, "
        f"on Inception pool3 of the {len(train)} training faces at 64x64",
        "machine": f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}",
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(result, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
