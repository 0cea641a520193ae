"""Choosing the colouriser's adversarial weight on validation photos only (never the held-out ones).

    python bench/quality/colourise_sweep.py [--weights 0,0.03,0.1] [--steps 5000] [--runs runs/colourise-sweep]

The 118 training photos of `shared-photos` are split again: every fifth (positions 0, 5, 10, ...)
validates (24 photos), the other 94 train. For each adversarial weight (0 = L1 alone) the
`colourise` preset is trained on the 94 with `--set objective.adversarial_weight=W` and scored on the
24 by `ganforge evaluate` (PSNR against the gray input's, colourfulness relative to the truth's, hue
accuracy). The rule, fixed before any run: the most colourful weight whose validation PSNR beats the
gray input's; if none does, the one with the highest PSNR. The preset then trains with that weight
on all 118, and bench/quality/colourise.py scores it on the 30 held-out photos and scikit-image's 9.
(The first sweep was 0, 0.1, 0.3, 1; it was stopped after 0.1, which already fell below the gray
input, and 0.03 was added between the two: the grid was refined on validation photos only.)

    python bench/quality/colourise_sweep.py --preset colourise-inception --weights 0,0.03,0.1 --steps 1000 --margin 0.3

--preset sweeps another colouriser's adversarial weight the same way (the ImageNet-backbone one: its
colour-class head with the PatchGAN's term added; weight 0 is the preset as it ships), each scored at
its preset's temperature; docs/eval/PRESET-sweep.json.

    python bench/quality/colourise_sweep.py --classes [--temperatures 1,0.6,0.38,0.25,0.15]

--classes does the same for Zhang et al.'s classification (`colourise-classes`): one run trained on
the 94, decoded at each annealed-mean temperature (the temperature does not change training), the
same rule choosing among temperatures.

    python bench/quality/colourise_sweep.py --classes --l1-weights 10,30 --temperatures 1,0.85,0.7 --margin 0.3

    python bench/quality/colourise_sweep.py --classes --preset colourise-inception --temperatures 1,0.7,0.5 --steps 1000 --margin 0.3

--preset with --classes sweeps another colour-class preset's temperature the same way (the ImageNet
backbone's, on its own crop recipe; docs/eval/PRESET-temperature-sweep.json).

--l1-weights adds an L1 term on the decoded colour to the cross-entropy (`--set
objective.l1_weight=W`; the decode during training is the preset's T = 0.7): one run per weight,
each scored at each temperature, the rule choosing among all (weight, temperature) pairs. --margin
makes the rule ask for a validation PSNR that many dB above the gray input's (the first temperature
sweep's 0.14 dB margin on 24 photos did not survive the held-out photos).

Writes docs/eval/colourise-sweep.json (--classes: docs/eval/colourise-classes-sweep.json; with
--l1-weights other than 0: docs/eval/colourise-classes-l1-sweep.json).
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

DOCS = Path(__file__).resolve().parents[2] / "docs"


def validation_folder(root: Path) -> Path:
    """root/train/ (94 links) and root/test/ (24 links) from the training photos of shared-photos."""
    photos = shared_photo_files("train")
    for split, keep in (("test", lambda i: i % HELDOUT_EVERY == 0), ("train", lambda i: i % HELDOUT_EVERY != 0)):
        folder = root / split
        folder.mkdir(parents=True, exist_ok=True)
        for index, photo in enumerate(photos):
            link = folder / f"{photo.parent.name}-{photo.name}"
            if keep(index) and not link.exists():
                try:
                    link.symlink_to(photo.resolve())
                except FileExistsError:  # another invocation of the sweep made it just now
                    pass
    return root


def choose(results: list[dict], margin: float = 0.0) -> dict:
    """The rule: the most colourful setting whose validation PSNR beats the gray input's (by `margin` dB),
    else the best PSNR."""
    beating = [r for r in results if r["psnr"] > r["psnr_input"] + margin]
    return max(beating, key=lambda r: r["colourfulness_ratio"]) if beating else max(results, key=lambda r: r["psnr"])


def trained(preset: str, data: Path, run: Path, args: argparse.Namespace, overrides: list[str]) -> Path:
    """`run` trained for --steps on data/train (resumed where it stopped; overrides only when it starts)."""
    checkpoint = latest_checkpoint(run) if run.exists() else None
    if checkpoint is None or read_state(checkpoint)["step"] < args.steps:
        train(preset, data=str(data) if checkpoint is None else None, out=run, steps=args.steps,
              seed=args.seed if checkpoint is None else None, resume=checkpoint is not None,
              overrides=[] if checkpoint else overrides)
    return run


def sweep_temperatures(args: argparse.Namespace) -> None:
    """Train colourise-classes on the 94 once per L1 weight, score each at each temperature on the 24,
    apply the rule to every (weight, temperature) pair."""
    data = validation_folder(args.runs / "data")
    weights = [float(w) for w in args.l1_weights.split(",")]
    with_l1 = weights != [0.0]
    preset = "colourise-classes" if args.preset == "colourise" else args.preset  # a colour-class preset
    report = {"machine": f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}",
              "command": f"python bench/quality/colourise_sweep.py --classes --temperatures {args.temperatures} "
                         f"--steps {args.steps}" + (f" --l1-weights {args.l1_weights}" if with_l1 else "")
                         + (f" --margin {args.margin:g}" if args.margin else "")
                         + (f" --preset {preset}" if preset != "colourise-classes" else ""), "results": []}
    keys = ("l1_weight", "temperature") if with_l1 else ("temperature",)
    print(" ".join(f"{k:>11}" for k in keys), f"{'PSNR':>6} {'input':>6} {'colour':>6} {'hue':>5}")
    for weight in weights:
        # weight 0 keeps the first sweep's run folder
        own = "" if preset == "colourise-classes" else f"{preset}-"  # the first sweeps' folders keep their names
        run = trained(preset, data, args.runs / (f"{own}classes" if weight == 0 else f"{own}classes-l1-{weight:g}"),
                      args, [f"objective.l1_weight={weight}"])
        for temperature in (float(t) for t in args.temperatures.split(",")):
            setting = dict(zip(keys, (weight, temperature)[-len(keys):]))
            add_row(report, setting, evaluate_translation(run, seed=args.seed, temperature=temperature))
    name = "colourise-classes-l1-sweep.json" if with_l1 else "colourise-classes-sweep.json"
    finish(report, keys, args.margin, name if preset == "colourise-classes" else f"{preset}-temperature-sweep.json")


def add_row(report: dict, setting: dict, evaluation: dict) -> None:
    """Print one setting's validation scores and keep them."""
    m = evaluation["metrics"]
    print(" ".join(f"{v:11g}" for v in setting.values()),
          f"{m['psnr']:6.2f} {m['psnr_input']:6.2f} {m['colourfulness_ratio']:6.2f} {m['hue_accuracy']:5.2f}")
    report["results"].append({**setting, **{k: round(v, 4) for k, v in m.items()}})


def finish(report: dict, keys: tuple[str, ...], margin: float, name: str) -> None:
    """Apply the rule and write docs/eval/NAME."""
    noun = " and ".join(key.replace("_", " ") for key in keys)
    chosen = choose(report["results"], margin)
    report["chosen"] = chosen[keys[0]] if len(keys) == 1 else {key: chosen[key] for key in keys}
    beats = f"beats the gray input's by more than {margin:g} dB" if margin else "beats the gray input's"
    report["rule"] = f"the most colourful {noun} whose validation PSNR {beats}, else the highest PSNR"
    (DOCS / "eval").mkdir(parents=True, exist_ok=True)
    (DOCS / "eval" / name).write_text(json.dumps(report, indent=2) + "\n")
    print(f"chosen {noun}: {report['chosen']} (docs/eval/{name})")


def main() -> None:
    """Train or reuse each weight's run, score it on the validation photos, apply the rule, write."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", default="0,0.03,0.1")
    parser.add_argument("--preset", default="colourise",
                        help="the colouriser whose adversarial weight (or with --classes, temperature) is swept")
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--runs", type=Path, default=Path("runs/colourise-sweep"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--classes", action="store_true", help="sweep the temperature of colourise-classes")
    parser.add_argument("--temperatures", default="1,0.6,0.38,0.25,0.15")
    parser.add_argument("--l1-weights", default="0", help="--classes: L1 weights on the decoded colour, one run each")
    parser.add_argument("--margin", type=float, default=0.0, help="dB above the gray input's PSNR the rule asks for")
    args = parser.parse_args()
    if args.classes:
        return sweep_temperatures(args)
    data = validation_folder(args.runs / "data")
    report = {"machine": f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}",
              "command": f"python bench/quality/colourise_sweep.py --weights {args.weights} --steps {args.steps}"
                         + (f" --margin {args.margin:g}" if args.margin else "")
                         + (f" --preset {args.preset}" if args.preset != "colourise" else ""),
              "train": len(list((data / "train").iterdir())), "validation": len(list((data / "test").iterdir())),
              "results": []}
    print(f"{'weight':>11} {'PSNR':>6} {'input':>6} {'colour':>6} {'hue':>5}")
    for weight in (float(w) for w in args.weights.split(",")):
        own = "" if args.preset == "colourise" else f"{args.preset}-"  # the first sweep's folders keep their names
        run = trained(args.preset, data, args.runs / f"{own}adversarial-{weight:g}", args,
                      [f"objective.adversarial_weight={weight}"])
        add_row(report, {"adversarial_weight": weight}, evaluate_translation(run, seed=args.seed))
    finish(report, ("adversarial_weight",), args.margin,
           "colourise-sweep.json" if args.preset == "colourise" else f"{args.preset}-sweep.json")


if __name__ == "__main__":
    main()
