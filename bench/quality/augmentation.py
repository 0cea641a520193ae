"""Does a conditional GAN's output help a classifier that has few real images? Issue 19's protocol.

    python bench/quality/augmentation.py                       # every cell; resumes where it stopped
    python bench/quality/augmentation.py --data mnist-5k --n 10 --seeds 0   # one part
    python bench/quality/augmentation.py --report              # table and plot from the JSON
    python bench/quality/augmentation.py --gan-set objective.augment=diffaugment --name diffaugment --n 10
                                                       # the same protocol with a differently trained GAN

For each data set (mnist-5k, fashion-mnist), n real labelled training images per class (10, 50,
400) and seed (0, 1, 2): the n per class are drawn from the training split by the seed; the
conditional GAN (preset mnist-cgan, its 3,000 steps) trains on those n x 10 images only; `ganforge
augment` draws --synthetic images per class from it; then the same small CNN
(metrics.classifier.DigitClassifier, --classifier-steps steps of 64, the seed) trains on
  real          the n x 10 real images, no augmentation
  real+classic  the same with classic augmentation (rotation up to 10 degrees, scale 0.9-1.1, shift 2 px)
  real+gan      real and generated images, the real ones repeated to as many as the generated
  all           real+gan with classic augmentation
  gan           the generated images alone (the Classification Accuracy Score)
and is tested on the whole real held-out split. Reported: accuracy mean and std over seeds, and CPU
seconds per arm (the GAN's training and sampling counted separately, as the cost of the last three).
Runs live under runs/augmentation/; results in docs/eval/augmentation.json (rewritten after every
cell), the plot in docs/augmentation-benchmark.png. With --gan-set (the GAN's `--set` overrides) give
--name: runs under runs/augmentation-NAME/, results in docs/eval/augmentation-NAME.json, plot
docs/augmentation-benchmark-NAME.png; the arms without the GAN are run again (the same figures on the
same machine: a check that nothing else changed).
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ganforge.apps.augment import augment
from ganforge.data import ImageDataset, load_dataset
from ganforge.metrics.classifier import classify, train_classifier
from ganforge.training import train

ROOT = Path(__file__).resolve().parents[2]
ARMS = ("real", "real+classic", "real+gan", "all", "gan")


def subset(data: ImageDataset, per_class: int, seed: int) -> ImageDataset:
    """`per_class` images of every class, drawn by `seed`."""
    order = np.random.default_rng(seed).permutation(len(data))
    picks = np.concatenate([order[data.labels[order] == k][:per_class] for k in range(data.num_classes)])
    return data.subset(np.sort(picks), f"{data.name} ({per_class} per class, seed {seed})")


def write_folder(data: ImageDataset, folder: Path) -> Path:
    """The images as PNGs in one subfolder per class: the layout `--data` reads."""
    shutil.rmtree(folder, ignore_errors=True)
    for index, (image, label) in enumerate(zip(data.images, data.labels)):
        target = folder / f"{label:02d}"
        target.mkdir(parents=True, exist_ok=True)
        Image.fromarray(image[..., 0]).save(target / f"{index:05d}.png")
    return folder


def joined(real: ImageDataset, fake: ImageDataset) -> ImageDataset:
    """Real and generated images, the real ones repeated to as many as the generated."""
    repeats = max(1, round(len(fake) / len(real)))
    images = np.concatenate([np.repeat(real.images, repeats, 0), fake.images])
    labels = np.concatenate([np.repeat(real.labels, repeats), fake.labels])
    return ImageDataset("real+gan", images, labels, real.class_names)


def accuracy(model, test: ImageDataset) -> float:
    images, labels = test.batch(np.arange(len(test)))
    return float((classify(model, images) == labels).double().mean())


def paths(name: str) -> tuple[Path, Path, Path]:
    """(results JSON, plot, runs folder) of the protocol run called `name` ("" for the preset as it is)."""
    suffix = f"-{name}" if name else ""
    return (ROOT / "docs" / "eval" / f"augmentation{suffix}.json", ROOT / "docs" / f"augmentation-benchmark{suffix}.png",
            ROOT / "runs" / f"augmentation{suffix}")


def run_cell(data_name: str, n: int, seed: int, args) -> dict:
    """One (data, n, seed): the GAN, the synthetic set and the five arms."""
    folder = paths(args.name)[2] / f"{data_name}-n{n}-s{seed}"
    train_split, test = load_dataset(data_name, "train"), load_dataset(data_name, "heldout")
    real = subset(train_split, n, seed)
    real = ImageDataset(real.name, real.images, real.labels, tuple(str(k) for k in range(real.num_classes)))
    cell = {"data": data_name, "n": n, "seed": seed, "real_images": len(real)}
    shutil.rmtree(folder / "gan", ignore_errors=True)  # a cell stopped half-way starts again: its CPU time is whole
    started = time.process_time()
    gan = train("mnist-cgan", data=str(write_folder(real, folder / "real")), out=folder / "gan", seed=seed,
                steps=args.gan_steps, device="cpu", progress=False, overrides=args.gan_set)
    shutil.rmtree(folder / "synthetic", ignore_errors=True)
    augment(checkpoint=gan.run_dir, per_class=args.synthetic, out=folder / "synthetic", seed=seed)
    fake = load_dataset(str(folder / "synthetic"))
    fake = ImageDataset("gan", fake.images, fake.labels, real.class_names)
    cell["gan_cpu_seconds"] = round(time.process_time() - started, 1)
    sets = {"real": (real, "none"), "real+classic": (real, "classic"), "real+gan": (joined(real, fake), "none"),
            "all": (joined(real, fake), "classic"), "gan": (fake, "none")}
    for arm, (dataset, augmentation) in sets.items():
        started = time.process_time()
        model = train_classifier(dataset, steps=args.classifier_steps, seed=seed, augmentation=augmentation)
        cell[arm] = {"accuracy": round(accuracy(model, test), 4), "cpu_seconds": round(time.process_time() - started, 1),
                     "train_images": len(dataset)}
        print(f"{data_name} n={n} seed={seed} {arm:13s} {cell[arm]['accuracy']:.4f}", flush=True)
    return cell


def summary(cells: list[dict]) -> list[dict]:
    """Mean and std over seeds per (data, n, arm)."""
    rows = []
    for data_name in sorted({c["data"] for c in cells}):
        for n in sorted({c["n"] for c in cells if c["data"] == data_name}):
            group = [c for c in cells if c["data"] == data_name and c["n"] == n]
            for arm in ARMS:
                values = np.array([c[arm]["accuracy"] for c in group])
                rows.append({"data": data_name, "n": n, "arm": arm, "seeds": len(group),
                             "mean": round(float(values.mean()), 4), "std": round(float(values.std()), 4),
                             "cpu_seconds": round(float(np.mean([c[arm]["cpu_seconds"] for c in group])), 1),
                             "gan_cpu_seconds": round(float(np.mean([c["gan_cpu_seconds"] for c in group])), 1)})
    return rows


def report(results: dict, plot: Path) -> None:
    """Print the table and draw accuracy against n."""
    from matplotlib.figure import Figure

    rows = summary(results["cells"])
    print("| data | n per class | " + " | ".join(ARMS) + " | seeds |")
    print("| --- | --- | " + " | ".join("---" for _ in ARMS) + " | --- |")
    for data_name in sorted({r["data"] for r in rows}):
        for n in sorted({r["n"] for r in rows if r["data"] == data_name}):
            group = {r["arm"]: r for r in rows if r["data"] == data_name and r["n"] == n}
            cells = " | ".join(f"{100 * group[a]['mean']:.1f} ± {100 * group[a]['std']:.1f}" for a in ARMS)
            print(f"| {data_name} | {n} | {cells} | {group['real']['seeds']} |")
    datasets = sorted({r["data"] for r in rows})
    figure = Figure(figsize=(5 * len(datasets), 3.6))
    for index, data_name in enumerate(datasets):
        axes = figure.add_subplot(1, len(datasets), index + 1)
        for arm in ARMS:
            points = sorted((r["n"], r["mean"], r["std"]) for r in rows if r["data"] == data_name and r["arm"] == arm)
            ns, means, stds = (np.array(v) for v in zip(*points))
            axes.errorbar(ns, 100 * means, yerr=100 * stds, marker="o", capsize=3, label=arm)
        axes.set_xscale("log")
        axes.set_xlabel("real labelled images per class")
        axes.set_ylabel("held-out accuracy (%)")
        axes.set_title(data_name)
        axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(plot, dpi=120)
    print(f"wrote {plot}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="mnist-5k,fashion-mnist")
    parser.add_argument("--n", default="10,50,400")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--gan-steps", type=int, default=3000)
    parser.add_argument("--synthetic", type=int, default=400, help="generated images per class")
    parser.add_argument("--classifier-steps", type=int, default=500)
    parser.add_argument("--gan-set", action="append", default=[], metavar="KEY=VALUE",
                        help="train the GAN with this override of the preset (repeatable); needs --name")
    parser.add_argument("--name", default="", help="name of this variant of the protocol (its own runs and results)")
    parser.add_argument("--report", action="store_true")
    args = parser.parse_args()
    if args.gan_set and not args.name:
        parser.error("--gan-set changes the protocol: give the variant a --name")
    results_file, plot, _ = paths(args.name)
    results = json.loads(results_file.read_text()) if results_file.exists() else {"cells": []}
    if args.report:
        return report(results, plot)
    if results.get("gan_set", []) != args.gan_set and results["cells"]:
        parser.error(f"{results_file.name} was made with --gan-set {results.get('gan_set', [])}, not {args.gan_set}")
    command = " ".join(["python bench/quality/augmentation.py", *(f"--gan-set {o}" for o in args.gan_set),
                        *([f"--name {args.name}"] if args.name else [])])
    results.update({"machine": f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} threads, "
                    f"torch {torch.__version__}", "gan_steps": args.gan_steps, "synthetic_per_class": args.synthetic,
                    "classifier_steps": args.classifier_steps, "gan_set": args.gan_set, "command": command})
    for data_name in args.data.split(","):
        for n in (int(v) for v in args.n.split(",")):
            for seed in (int(v) for v in args.seeds.split(",")):
                if any(c["data"] == data_name and c["n"] == n and c["seed"] == seed for c in results["cells"]):
                    continue
                results["cells"].append(run_cell(data_name, n, seed, args))
                results["summary"] = summary(results["cells"])
                results_file.parent.mkdir(parents=True, exist_ok=True)
                results_file.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
