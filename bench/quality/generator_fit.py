"""How fast can a generator learn to depend on its noise? Each preset's generator is fitted, by
plain regression, to draw 64 fixed real digits from 64 fixed noise vectors.

    python bench/quality/generator_fit.py [--presets stylegan2-mnist,dcgan-32] [--steps 400] [--json FILE]

No discriminator: the loss is the pixel MSE between G(z_i) and digit i (mnist-5k resized to the
preset's size), with the preset's Adam settings, one full batch of 64 per step. The mean digit
scores the MSE printed as "mean image": a generator below it has learned to make its output depend
on z. A GAN generator that cannot do this quickly follows the discriminator with all its samples
at once (mode collapse); compare stylegan2-mnist with a DCGAN of the same 32x32 output
("dcgan-32": 4x4 -> 32x32 transposed convolutions, the stylegan2 preset's Adam settings).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time

import torch
import torch.nn.functional as F

from ganforge.data import PreprocessConfig, load_training_data
from ganforge.models import FAMILIES
from ganforge.models.dcgan import DCGANConfig
from ganforge.training.config import load_run_config

DIGITS = 64


def build(preset: str) -> tuple[torch.nn.Module, dict, int]:
    """A preset's generator, its Adam settings and its image side; dcgan-32 is built here."""
    if preset == "dcgan-32":
        run = load_run_config("stylegan2-mnist")
        config = DCGANConfig(latent_dim=128, base_size=4, generator_channels=(256, 128, 64),
                             discriminator_channels=(64, 128, 256))
        family = "dcgan"
    else:
        run = load_run_config(preset)
        config = dataclasses.replace(run.model, image_channels=1)
        family = run.family
    generator = FAMILIES.get(family).build(config)[FAMILIES.get(family).generator_role]
    adam = {"lr": run.train.lr_generator, "betas": (run.train.beta1, run.train.beta2)}
    side = config.image_size
    return generator, adam, side


def fit(preset: str, steps: int, seed: int) -> dict:
    """Regression of DIGITS digits from DIGITS fixed z; the MSE every few steps."""
    torch.manual_seed(seed)
    generator, adam, side = build(preset)
    data = load_training_data("images", "mnist-5k", preprocess=PreprocessConfig(load_size=side))
    targets = data.batch(torch.arange(DIGITS))[0]
    z = generator.sample_latent(DIGITS, generator=torch.Generator().manual_seed(seed))
    optimizer = torch.optim.Adam(generator.parameters(), **adam)
    generator.train()
    checkpoints, curve = {0, 25, 50, 100, 200, 400, 800, steps}, {}
    start = time.perf_counter()
    for step in range(steps + 1):
        loss = F.mse_loss(generator(z), targets)
        if step in checkpoints:
            curve[step] = round(loss.item(), 4)
        if step < steps:
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    return {"preset": preset, "parameters": sum(p.numel() for p in generator.parameters()), "adam": str(adam),
            "mean_image_mse": round(F.mse_loss(targets.mean(0, keepdim=True).expand_as(targets), targets).item(), 4),
            "mse": curve, "seconds": round(time.perf_counter() - start, 1)}


def main() -> None:
    """Fit each preset's generator and print its curve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", default="stylegan2-mnist,dcgan-32")
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    results = []
    for preset in args.presets.split(","):
        result = fit(preset, args.steps, args.seed)
        results.append(result)
        curve = "  ".join(f"{step}:{mse}" for step, mse in result["mse"].items())
        print(f"{preset:16s} {result['parameters']:>9,d} parameters, {result['adam']}, "
              f"mean image {result['mean_image_mse']}  MSE at step  {curve}  ({result['seconds']} s)")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
