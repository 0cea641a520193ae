"""Choosing the colouriser's adversarial weight on validation photos only (never the held-out ones).

    python bench/colourise_sweep.py [--weights 0,0.03,0.1] [--steps 5000] [--runs runs/colourise-sweep]

The 118 training photos of `shared-photos` are split again: every fifth (positions 0, 5, 10, ...)
validates (24 photos), the other 94 train. For each adversarial weight (0 = L1 alone) the
`colourise` preset is trained on the 94 with `--set objective.adversarial_weight=W` and scored on the
24 by `ganforge evaluate` (PSNR against the gray input's, colourfulness relative to the truth's, hue
accuracy). The rule, fixed before any run: the most colourful weight whose validation PSNR beats the
gray input's; if none does, the one with the highest PSNR. The preset then trains with that weight
on all 118, and bench/colourise.py scores it on the 30 held-out photos and scikit-image's 9.
(The first sweep was 0, 0.1, 0.3, 1; it was stopped after 0.1, which already fell below the gray
input, and 0.03 was added between the two: the grid was refined on validation photos only.)

    python bench/colourise_sweep.py --classes [--temperatures 1,0.6,0.38,0.25,0.15]

--classes does the same for Zhang et al.'s classification (`colourise-classes`): one run trained on
the 94, decoded at each annealed-mean temperature (the temperature does not change training), the
same rule choosing among temperatures.

Writes docs/eval/colourise-sweep.json (--classes: docs/eval/colourise-classes-sweep.json).
"""

from __future__ import annotations

import argparse
import json
import platform
from pathlib import Path

import torch

from ganforge.apps.evaluate_translation import evaluate_translation
from ganforge.data.photos import HELDOUT_EVERY, shared_photo_files
from ganforge.models.io import read_state
from ganforge.training import train
from ganforge.training.checkpoint import latest_checkpoint

DOCS = Path(__file__).resolve().parent.parent / "docs"


def validation_folder(root: Path) -> Path:
    """root/train/ (94 links) and root/test/ (24 links) from the training photos of shared-photos."""
    photos = shared_photo_files("train")
    for split, keep in (("test", lambda i: i % HELDOUT_EVERY == 0), ("train", lambda i: i % HELDOUT_EVERY != 0)):
        folder = root / split
        folder.mkdir(parents=True, exist_ok=True)
        for index, photo in enumerate(photos):
            link = folder / f"{photo.parent.name}-{photo.name}"
            if keep(index) and not link.exists():
                link.symlink_to(photo.resolve())
    return root


def choose(results: list[dict], key: str):
    """The rule: the most colourful setting whose validation PSNR beats the gray input's, else the best PSNR."""
    beating = [r for r in results if r["psnr"] > r["psnr_input"]]
    return (max(beating, key=lambda r: r["colourfulness_ratio"]) if beating else max(results, key=lambda r: r["psnr"]))[key]


def sweep_temperatures(args: argparse.Namespace) -> None:
    """Train colourise-classes once on the 94, score it at each temperature on the 24, apply the rule."""
    data = validation_folder(args.runs / "data")
    run = args.runs / "classes"
    checkpoint = latest_checkpoint(run) if run.exists() else None
    if checkpoint is None or read_state(checkpoint)["step"] < args.steps:
        train("colourise-classes", data=str(data) if checkpoint is None else None, out=run, steps=args.steps,
              seed=args.seed if checkpoint is None else None, resume=checkpoint is not None)
    report = {"machine": f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}",
              "command": f"python bench/colourise_sweep.py --classes --temperatures {args.temperatures} "
                         f"--steps {args.steps}", "results": []}
    print(f"{'T':>6} {'PSNR':>6} {'input':>6} {'colour':>6} {'hue':>5}")
    for temperature in (float(t) for t in args.temperatures.split(",")):
        add_row(report, "temperature", temperature, evaluate_translation(run, seed=args.seed, temperature=temperature))
    finish(report, "temperature", "colourise-classes-sweep.json")


def add_row(report: dict, key: str, value: float, evaluation: dict) -> None:
    """Print one setting's validation scores and keep them."""
    m = evaluation["metrics"]
    print(f"{value:6g} {m['psnr']:6.2f} {m['psnr_input']:6.2f} {m['colourfulness_ratio']:6.2f} {m['hue_accuracy']:5.2f}")
    report["results"].append({key: value, **{k: round(v, 4) for k, v in m.items()}})


def finish(report: dict, key: str, name: str) -> None:
    """Apply the rule and write docs/eval/NAME."""
    noun = key.replace("_", " ")
    report["chosen"] = choose(report["results"], key)
    report["rule"] = f"the most colourful {noun} whose validation PSNR beats the gray input's, else the highest PSNR"
    (DOCS / "eval").mkdir(parents=True, exist_ok=True)
    (DOCS / "eval" / name).write_text(json.dumps(report, indent=2) + "\n")
    print(f"chosen {noun}: {report['chosen']:g} (docs/eval/{name})")


def main() -> None:
    """Train or reuse each weight's run, score it on the validation photos, apply the rule, write."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", default="0,0.03,0.1")
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--runs", type=Path, default=Path("runs/colourise-sweep"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--classes", action="store_true", help="sweep the temperature of colourise-classes")
    parser.add_argument("--temperatures", default="1,0.6,0.38,0.25,0.15")
    args = parser.parse_args()
    if args.classes:
        return sweep_temperatures(args)
    data = validation_folder(args.runs / "data")
    report = {"machine": f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}",
              "command": f"python bench/colourise_sweep.py --weights {args.weights} --steps {args.steps}",
              "train": len(list((data / "train").iterdir())), "validation": len(list((data / "test").iterdir())),
              "results": []}
    print(f"{'weight':>6} {'PSNR':>6} {'input':>6} {'colour':>6} {'hue':>5}")
    for weight in (float(w) for w in args.weights.split(",")):
        run = args.runs / f"adversarial-{weight:g}"
        checkpoint = latest_checkpoint(run) if run.exists() else None
        if checkpoint is None or read_state(checkpoint)["step"] < args.steps:
            train("colourise", data=str(data) if checkpoint is None else None, out=run, steps=args.steps,
                  seed=args.seed if checkpoint is None else None, resume=checkpoint is not None,
                  overrides=[] if checkpoint else [f"objective.adversarial_weight={weight}"])
        add_row(report, "adversarial_weight", weight, evaluate_translation(run, seed=args.seed))
    finish(report, "adversarial_weight", "colourise-sweep.json")


if __name__ == "__main__":
    main()
