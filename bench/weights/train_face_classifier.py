"""Train the face judge (sex and age, ganforge.metrics.faces) on UTKFace's training split, measure it
on the held-out split, and ship it as src/ganforge/weights/face-attributes.

    python bench/weights/train_face_classifier.py [--steps 4000] [--seed 0] [--out DIR]

Prints and records in card.json: held-out sex accuracy, age mean absolute error (years) and age-group
accuracy (the groups of ganforge.data.utkface), the training time, the machine and the command. The
photos are UTKFace's (non-commercial research licence), the weights are the judge's alone.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np
import torch

from ganforge.data import load_dataset
from ganforge.data.utkface import age_group, face_folder, face_table
from ganforge.metrics.faces import read_faces, save_face_classifier, train_face_classifier
from ganforge.utils.images import from_uint8

WEIGHTS = Path(__file__).resolve().parents[2] / "src" / "ganforge" / "weights" / "face-attributes"


def main() -> None:
    """Train, measure, save."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args()
    folder, _ = face_folder("utkface")
    train, heldout = load_dataset("utkface", "train"), load_dataset("utkface", "heldout")
    train_table, heldout_table = face_table(folder, "train"), face_table(folder, "heldout")
    started = time.perf_counter()
    model = train_face_classifier(np.asarray(train.images), train_table.sexes, train_table.ages, steps=args.steps,
                                  seed=args.seed)
    seconds = time.perf_counter() - started
    female, ages = read_faces(model, from_uint8(np.asarray(heldout.images)))
    sex_accuracy = float(((female > 0.5).long().numpy() == heldout_table.sexes).mean())
    age_error = float(np.abs(ages.numpy() - heldout_table.ages).mean())
    group_accuracy = float((age_group(np.clip(ages.numpy(), 0, None)) == age_group(heldout_table.ages)).mean())
    machine = f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}"
    print(f"held-out {len(heldout)} faces: sex accuracy {sex_accuracy:.4f}, age MAE {age_error:.2f} years, age-group "
          f"accuracy {group_accuracy:.4f}; trained {args.steps} steps in {seconds:.0f} s on {machine}")
    save_face_classifier(model, args.out, {
        "data": "utkface train split (8,146 faces; UTKFace, non-commercial research licence)",
        "heldout_faces": len(heldout), "heldout_sex_accuracy": round(sex_accuracy, 4),
        "heldout_age_mae_years": round(age_error, 2), "heldout_age_group_accuracy": round(group_accuracy, 4),
        "steps": args.steps, "seed": args.seed, "train_seconds": round(seconds), "machine": machine,
        "command": f"python bench/weights/train_face_classifier.py --steps {args.steps} --seed {args.seed}",
    })
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
