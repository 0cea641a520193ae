"""Issue 18's independent check, rehearsed: a detector trained with the documented command, held-out
images of the check's own choosing written as files, scored by `ganforge anomaly`, and AUROC
computed from the CSV alone, beside `ganforge evaluate`'s AUROC of the same model.

    python bench/checks/anomaly_cli.py --method ganomaly --data fashion-mnist --normal 0
    python bench/checks/anomaly_cli.py --method deep-svdd --data fashion-mnist --normal 8 --num 3000 --pick-seed 7

It runs `ganforge train METHOD --data DATA --normal N --seed S --out WORK/run` (reused when finished),
draws --num images of the held-out split at random (--pick-seed, not the training seed), and writes
them three ways under WORK/PICK/: as they are (grayscale PNG at the data's size), as RGB PNGs, and as
RGB PNGs upscaled twice with a bicubic filter, named 00000.png ... with no hint of their label. Each
folder goes through `ganforge anomaly --checkpoint WORK/run --input FOLDER --out FOLDER.csv`, and
the AUROC is computed from the CSV's scores and the labels the script kept (scikit-learn). The PNGs
as they are must give the in-memory scores of the same images exactly; the converted ones say what
a user's conversions cost. Figures go to docs/eval/anomaly-cli.json, one entry per (data, method,
normal, seed, pick). --filters also scores the pick after a 2x round trip in memory (up, then
down to the model's size) for each pair of Pillow filters, to show what resampling costs a detector.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image
from sklearn.metrics import roc_auc_score

from ganforge.apps.anomaly import evaluate_anomaly, load_detector
from ganforge.data import load_dataset
from ganforge.data.oneclass import one_class
from ganforge.training.checkpoint import latest_checkpoint
from ganforge.utils.files import atomic_write_text

DOCS = Path(__file__).resolve().parents[2] / "docs"
GANFORGE = [sys.executable, "-m", "ganforge"]
VARIANTS = ("as-is", "rgb", "rgb-2x")


def ganforge(*args: str) -> str:
    """Run one ganforge command as a user types it; return that command line."""
    subprocess.run([*GANFORGE, *args], check=True)
    return "ganforge " + " ".join(args)


def write_pick(images: np.ndarray, folder: Path, variant: str) -> None:
    """The picked images as PNG files, 00000.png ..., in one of VARIANTS."""
    folder.mkdir(parents=True, exist_ok=True)
    for index, image in enumerate(images):
        picture = Image.fromarray(image[..., 0] if image.shape[2] == 1 else image)
        if variant != "as-is":
            picture = picture.convert("RGB")
        if variant == "rgb-2x":
            picture = picture.resize((2 * picture.width, 2 * picture.height), Image.Resampling.BICUBIC)
        picture.save(folder / f"{index:05d}.png")


def filter_round_trips(detector, images: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """AUROC of the images enlarged twice and reduced back, per (up, down) pair of Pillow filters."""
    side = images.shape[1]
    result = {}
    for up in ("NEAREST", "BILINEAR", "BICUBIC"):
        for down in ("BOX", "BILINEAR", "BICUBIC", "LANCZOS"):
            trips = []
            for image in images:
                picture = Image.fromarray(image[..., 0] if image.shape[2] == 1 else image)
                picture = picture.resize((2 * side, 2 * side), getattr(Image.Resampling, up))
                trips.append(np.asarray(picture.resize((side, side), getattr(Image.Resampling, down))).reshape(image.shape))
            result[f"{up.lower()} up, {down.lower()} down"] = round(float(roc_auc_score(labels, detector(np.stack(trips)))), 4)
    return result


def read_scores(path: Path) -> np.ndarray:
    """The CSV's scores in file-name order (the files are 00000.png ...)."""
    with path.open() as handle:
        rows = sorted(csv.DictReader(handle), key=lambda row: row["file"])
    return np.array([float(row["score"]) for row in rows])


def main() -> None:
    """Train (or reuse), pick, write, score with the command, compute AUROC from the CSVs, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", default="ganomaly", help="ganomaly, fanogan, autoencoder or deep-svdd")
    parser.add_argument("--data", default="fashion-mnist")
    parser.add_argument("--normal", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0, help="the training seed")
    parser.add_argument("--num", type=int, default=2000, help="held-out images picked")
    parser.add_argument("--pick-seed", type=int, default=2026, help="the random pick of held-out images")
    parser.add_argument("--work", type=Path, default=Path("runs/anomaly-cli"))
    parser.add_argument("--out", type=Path, default=DOCS / "eval" / "anomaly-cli.json")
    parser.add_argument("--filters", action="store_true", help="also the 2x round trips through each pair of filters")
    args = parser.parse_args()

    work = args.work / args.data / args.method / f"normal-{args.normal}-seed-{args.seed}"
    run = work / "run"
    commands = []
    train_command = ["train", args.method, "--data", args.data, "--normal", str(args.normal), "--seed", str(args.seed),
                     "--out", str(run)]
    if run.exists() and latest_checkpoint(run) is not None:  # trained before: the same command, not run again
        commands.append("ganforge " + " ".join(train_command))
    else:
        commands.append(ganforge(*train_command))
    evaluated = evaluate_anomaly(run)["metrics"]["auroc"]
    commands.append(f"ganforge evaluate --checkpoint {run}")

    test = one_class(load_dataset(args.data, "heldout"), (args.normal,), "test")
    picked = np.sort(np.random.default_rng(args.pick_seed).choice(len(test), size=min(args.num, len(test)),
                                                                  replace=False))
    images, labels = test.images[picked], test.labels[picked]
    detector = load_detector(run)
    in_memory = detector(images)
    entry = {"data": args.data, "method": args.method, "normal": args.normal, "seed": args.seed,
             "pick_seed": args.pick_seed, "num": len(picked), "n_anomalous": int(labels.sum()),
             "evaluate_auroc_whole_split": round(evaluated, 4),
             "in_memory_auroc_of_the_pick": round(float(roc_auc_score(labels, in_memory)), 4), "variants": {}}
    for variant in VARIANTS:
        folder = work / f"pick-{args.pick_seed}-{len(picked)}" / variant
        if not folder.exists():
            write_pick(images, folder, variant)
        csv_path = folder.with_suffix(".csv")
        commands.append(ganforge("anomaly", "--checkpoint", str(run), "--input", str(folder), "--out", str(csv_path)))
        scores = read_scores(csv_path)
        entry["variants"][variant] = {
            "auroc_from_csv": round(float(roc_auc_score(labels, scores)), 4),
            "largest_score_difference_from_in_memory": float(np.abs(scores - in_memory).max()),
        }
        print(f"{variant:7s} AUROC from the CSV {entry['variants'][variant]['auroc_from_csv']:.4f} "
              f"(in memory {entry['in_memory_auroc_of_the_pick']:.4f}; evaluate, whole split {evaluated:.4f})",
              flush=True)
    entry["commands"] = commands
    if args.filters:
        entry["round_trips_2x"] = filter_round_trips(detector, images, labels)
        for pair, auroc in entry["round_trips_2x"].items():
            print(f"{pair:28s} AUROC {auroc:.4f}")

    report = json.loads(args.out.read_text()) if args.out.exists() else {"entries": []}
    key = ("data", "method", "normal", "seed", "pick_seed", "num")
    report["entries"] = [e for e in report["entries"] if tuple(e[k] for k in key) != tuple(entry[k] for k in key)]
    report["entries"].append(entry)
    report["command"] = "python bench/checks/anomaly_cli.py --method M --data D --normal N [--num K --pick-seed P]"
    atomic_write_text(args.out, json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
