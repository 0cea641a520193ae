"""The Lab colouriser against its own grayscale input and its L1-only twin, on photos never trained on.

    python bench/quality/colourise.py [--gan runs/colourise] [--l1 runs/colourise-l1] [--seed 0]
    python bench/quality/colourise.py --gan src/ganforge/weights/colourise      # the shipped float16 weights
    python bench/quality/colourise.py --classes runs/colourise-classes           # and Zhang et al.'s classification

Trains (or reuses, when the folder already holds a finished checkpoint) the `colourise` preset
(pix2pix on Lab chroma: 100 x L1 + 0.03 x adversarial) and `colourise-l1` (the same network, L1 alone), both on the
118 training photos of `shared-photos` (../shared/data; data/photos.py fixes the split). Both are
scored by `ganforge evaluate` on the 30 held-out shared photos and on scikit-image's 9 colour photos
(no model saw them), at the photos' own sizes: PSNR/SSIM against the truth beside the gray input's
(the truth's lightness, no chroma), PSNR on a*b*, colourfulness relative to the truth's, hue accuracy;
and how far the result's lightness L* strays from the input's (the model keeps it by construction;
8-bit rounding and out-of-gamut clipping move it a little).

With --classes, the `colourise-classes` run (trained likewise when the folder has no finished run)
is scored beside them at its own temperature (the preset's, chosen by bench/quality/colourise_sweep.py --classes);
--curve 1,0.9,0.8 also scores it at those temperatures, to read how the trade-off carries over from
the validation photos (nothing is chosen from it).

Writes docs/eval/colourise.json and docs/colourise.png: one row per photo (four held-out shared
photos, then chelsea and rocket), columns gray input | L1 only | GAN | (classes |) truth.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

import numpy as np
import torch

from ganforge.apps.evaluate_translation import evaluate_translation
from ganforge.apps.translate import colourise_image, load_translator
from ganforge.data import PreprocessConfig, load_translation_dataset
from ganforge.data.translation import resize_shorter_side
from ganforge.models.io import read_state, resolve_checkpoint
from ganforge.training import train
from ganforge.training.checkpoint import latest_checkpoint
from ganforge.training.presets.pix2pix import COLOURISE_STEPS
from ganforge.utils.colour import compose, rgb_to_lab
from ganforge.utils.images import make_grid, save_image

DOCS = Path(__file__).resolve().parents[2] / "docs"
TESTS = (("shared-photos", "heldout"), ("skimage-photos", "all"))
GRID_SIDE = 160  # each picture: the centre square of the photo scaled to this shorter side
PICTURE_ROWS = {"shared-photos": (0, 7, 15, 23), "skimage-photos": (7, 8)}  # skimage 7, 8: chelsea, rocket


def trained(preset: str, run: Path, seed: int) -> Path:
    """`run` trained on `preset` to its last step, unless it already is (or is a model folder, such as
    the shipped src/ganforge/weights/colourise)."""
    if (run / "state.json").is_file():
        return run
    checkpoint = latest_checkpoint(run) if run.exists() else None
    if checkpoint is None or read_state(checkpoint)["step"] < COLOURISE_STEPS:
        result = train(preset, out=run, seed=None if checkpoint else seed, resume=checkpoint is not None)
        print(f"{preset}: {result.step} steps in {result.seconds:.0f} s ({result.images_per_second:.1f} images/s)")
    return run


def lightness_drift(translator, photos) -> dict[str, float]:
    """|L*(result) - L*(input)| over every pixel of every photo: mean and maximum."""
    drifts = [np.abs(rgb_to_lab(colourise_image(translator, photo))[..., 0] - rgb_to_lab(photo)[..., 0])
              for photo in photos]
    return {"lightness_drift_mean": float(np.mean([d.mean() for d in drifts])),
            "lightness_drift_p999": float(np.mean([np.quantile(d, 0.999) for d in drifts])),
            "lightness_drift_max": float(max(d.max() for d in drifts))}


def centre_square(image: np.ndarray) -> np.ndarray:
    image = resize_shorter_side(image, GRID_SIDE)
    top, left = (image.shape[0] - GRID_SIDE) // 2, (image.shape[1] - GRID_SIDE) // 2
    return np.ascontiguousarray(image[top : top + GRID_SIDE, left : left + GRID_SIDE])


def main() -> None:
    """Train or reuse, score, print, write."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gan", type=Path, default=Path("runs/colourise"))
    parser.add_argument("--l1", type=Path, default=Path("runs/colourise-l1"))
    parser.add_argument("--classes", type=Path, default=None, help="a colourise-classes run to score beside them")
    parser.add_argument("--curve", default="", metavar="T,T,...",
                        help="with --classes: also score it at these temperatures (a reading aid: the preset's "
                             "temperature is chosen on validation photos, never here)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=DOCS, help="where the JSON (under eval/) and the picture go")
    args = parser.parse_args()
    runs = {"l1": trained("colourise-l1", args.l1, args.seed), "gan": trained("colourise", args.gan, args.seed)}
    if args.classes:
        runs["classes"] = trained("colourise-classes", args.classes, args.seed)
    translators = {variant: load_translator(run) for variant, run in runs.items()}
    report = {"machine": f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}",
              "command": " ".join(["python", "bench/quality/colourise.py", *sys.argv[1:]]),
              "training_data": "shared-photos, train split (118 photos)", "results": []}
    header = f"{'variant':<7} {'test photos':<20} {'PSNR':>6} {'input':>6} {'SSIM':>6} {'PSNRab':>6} {'colour':>6} {'hue':>5}"
    print(header)
    pictures = []
    for data, split in TESTS:
        photos = load_translation_dataset(data, split, PreprocessConfig(derive_input="lab")).images_b
        for variant, run in runs.items():
            m = evaluate_translation(run, real=data, split=split, seed=args.seed)["metrics"]
            m.update(lightness_drift(translators[variant], photos))
            name = f"{data} ({len(photos)})"
            print(f"{variant:<7} {name:<20} {m['psnr']:6.2f} {m['psnr_input']:6.2f} {m['ssim']:6.3f} "
                  f"{m['psnr_ab']:6.2f} {m['colourfulness_ratio']:6.2f} {m['hue_accuracy']:5.2f}")
            report["results"].append({"variant": variant, "test": data, "split": split, "n": len(photos),
                                      "step": read_state(resolve_checkpoint(run))["step"], "model": str(run),
                                      **{k: round(v, 4) for k, v in m.items()}})
        for index in PICTURE_ROWS[data]:
            truth = photos[index]
            gray = compose(rgb_to_lab(truth)[..., 0], np.zeros(truth.shape[:2] + (2,), np.float32))
            row = [gray, *(colourise_image(translator, truth) for translator in translators.values()), truth]
            pictures += [centre_square(image) for image in row]
    if args.classes and args.curve:  # a reading aid on the test photos; the temperature was chosen on validation
        report["classes_temperature_curve"] = []
        for data, split in TESTS:
            for temperature in (float(t) for t in args.curve.split(",")):
                m = evaluate_translation(runs["classes"], real=data, split=split, seed=args.seed,
                                         temperature=temperature)["metrics"]
                print(f"classes T={temperature:g} {data}: PSNR {m['psnr']:.2f} (gray {m['psnr_input']:.2f}), "
                      f"colourfulness {m['colourfulness_ratio']:.2f}")
                report["classes_temperature_curve"].append(
                    {"test": data, "temperature": temperature,
                     **{k: round(m[k], 4) for k in ("psnr", "psnr_input", "colourfulness_ratio", "hue_accuracy")}})
    (args.out / "eval").mkdir(parents=True, exist_ok=True)
    (args.out / "eval" / "colourise.json").write_text(json.dumps(report, indent=2) + "\n")
    save_image(make_grid(np.stack(pictures), columns=len(runs) + 2), args.out / "colourise.png")
    print(f"wrote {args.out / 'eval' / 'colourise.json'} and {args.out / 'colourise.png'}")


if __name__ == "__main__":
    main()
