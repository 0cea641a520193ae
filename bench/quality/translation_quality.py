"""What the adversarial loss adds to paired translation: pix2pix against the same network trained
by L1 alone, for the first (luma -> RGB) colourisation and completion of real photos, scored by
PSNR/SSIM on held-out photos. The Lab colouriser that replaced it has its own: bench/quality/colourise.py.

    python bench/quality/translation_quality.py [--tasks colourise-rgb,complete] [--steps 1500] [--runs runs/translation]
                                        [--extra-test ../shared/data/cbsd68] [--seed 0]
    python bench/quality/translation_quality.py --data ../shared/data/cbsd68 --tasks colourise-rgb --runs runs/translation-cbsd68

--data trains on another folder of photos instead of scikit-image's seven; all nine scikit-image
photos are then unseen and all are scored.

For each task it trains (or reuses, when the run folder already holds a finished checkpoint) two
runs of the task's preset: `gan` (adversarial weight 1, the paper's) and `l1` (adversarial weight 0,
no discriminator). Both are scored with `ganforge evaluate` on the held-out scikit-image photos
(chelsea, rocket) and, when --extra-test names a folder, on every photo in it (never trained on).
Writes docs/eval/translation-quality[-DATA].json and a picture grid, docs/translation-quality[-DATA].png:
one row per held-out photo and task (colourisation rows first), columns input | L1 only | pix2pix | truth.
"""

from __future__ import annotations

import argparse
import json
import platform
from pathlib import Path

import numpy as np
import torch

from ganforge.apps.evaluate_translation import evaluate_translation
from ganforge.apps.translate import colourise_image, complete_image, load_translator
from ganforge.data import PreprocessConfig, load_translation_dataset
from ganforge.data.translation import random_masks
from ganforge.models.io import read_state
from ganforge.training import train
from ganforge.training.checkpoint import latest_checkpoint
from ganforge.utils.images import make_grid, save_image

DOCS = Path(__file__).resolve().parents[2] / "docs"
VARIANTS = {"gan": 1.0, "l1": 0.0}  # adversarial weight of each variant
GRID_SIDE = 128  # each picture in the grid: the centre square of the photo at load size


def trained_run(task: str, variant: str, runs: Path, steps: int, seed: int, data: str | None) -> Path:
    """The run folder of (task, variant), trained to `steps` unless it already is."""
    run = runs / f"{task}-{variant}"
    checkpoint = latest_checkpoint(run) if run.exists() else None
    if checkpoint is not None and read_state(checkpoint)["step"] >= steps:
        return run
    config = runs / f"{task}-{variant}.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'preset = "{task}"\n[objective]\nadversarial_weight = {VARIANTS[variant]}\n')
    result = train(str(config), data=data if checkpoint is None else None, out=run, steps=steps,
                   seed=seed if checkpoint is None else None,
                   resume=checkpoint is not None, progress=True)
    print(f"{task}-{variant}: {result.step} steps in {result.seconds:.0f} s ({result.images_per_second:.1f} images/s)")
    return run


def picture_rows(task: str, runs: dict[str, Path], seed: int, split: str) -> list[np.ndarray]:
    """One row per held-out photo: input, L1 only, pix2pix, truth (the centre square of each)."""
    translators = {variant: load_translator(run) for variant, run in runs.items()}
    preprocess = translators["gan"].preprocess
    # the held-out photos at the size the models trained on (derive_input only makes them load as one domain)
    photos = load_translation_dataset("skimage-photos", split,
                                      PreprocessConfig(load_size=preprocess.load_size, derive_input="grayscale"))
    pictures = []
    for index, photo in enumerate(photos.images_b):
        height, width = photo.shape[:2]
        top, left = (height - GRID_SIDE) // 2, (width - GRID_SIDE) // 2
        truth = np.ascontiguousarray(photo[top : top + GRID_SIDE, left : left + GRID_SIDE])
        if task.startswith("colourise"):
            shown = np.repeat(np.asarray(truth @ np.array([0.299, 0.587, 0.114]), np.uint8)[..., None], 3, axis=2)
            outputs = {v: colourise_image(t, truth) for v, t in translators.items()}
        else:
            holes = random_masks(1, truth.shape[:2], np.random.default_rng([seed, index]))[0, 0].numpy() > 0
            shown = truth.copy()
            shown[holes] = 128
            outputs = {v: complete_image(t, truth, holes) for v, t in translators.items()}
        pictures += [shown, outputs["l1"], outputs["gan"], truth]
    return pictures


def main() -> None:
    """Train or reuse, score, print, write."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default="colourise-rgb,complete")
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--runs", type=Path, default=Path("runs/translation"))
    parser.add_argument("--extra-test", help="a folder of photos never trained on, scored as well")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", help="train on this folder of photos (default: the presets' skimage-photos)")
    parser.add_argument("--out", type=Path, default=DOCS, help="where the JSON (under eval/) and the picture go")
    args = parser.parse_args()
    skimage_split = "all" if args.data else "heldout"  # all nine photos are unseen when training elsewhere
    report = {"machine": f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}",
              "command": "python bench/quality/translation_quality.py " + f"--steps {args.steps} --seed {args.seed}"
                         + (f" --extra-test {args.extra_test}" if args.extra_test else "")
                         + (f" --data {args.data}" if args.data else ""),
              "training_data": args.data or "skimage-photos (train split: 7 photos)", "results": []}
    pictures = []
    print(f"{'task':<10} {'variant':<7} {'test photos':<24} {'PSNR':>6} {'SSIM':>6}   input: {'PSNR':>6} {'SSIM':>6}")
    for task in args.tasks.split(","):
        runs = {variant: trained_run(task, variant, args.runs, args.steps, args.seed, args.data) for variant in VARIANTS}
        for test in ["skimage-photos"] + ([args.extra_test] if args.extra_test else []):
            for variant, run in runs.items():
                split = skimage_split if test == "skimage-photos" else "heldout"
                result = evaluate_translation(run, real=test, split=split, seed=args.seed)
                m = result["metrics"]
                name = f"{Path(test).name} ({result['protocol']['n_b']})"
                print(f"{task:<10} {variant:<7} {name:<24} {m['psnr']:6.2f} {m['ssim']:6.3f}   "
                      f"       {m['psnr_input']:6.2f} {m['ssim_input']:6.3f}")
                report["results"].append({"task": task, "variant": variant, "test": test,
                                          "n": result["protocol"]["n_b"], "step": result["protocol"]["step"],
                                          **{k: round(v, 4) for k, v in m.items()}})
        pictures += picture_rows(task, runs, args.seed, skimage_split)
    name = "translation-quality" + ("-" + Path(args.data).name if args.data else "")
    (args.out / "eval").mkdir(parents=True, exist_ok=True)
    (args.out / "eval" / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    save_image(make_grid(np.stack(pictures), columns=4), args.out / f"{name}.png")
    print(f"wrote {args.out / 'eval' / (name + '.json')} and {args.out / (name + '.png')}")


if __name__ == "__main__":
    main()
