"""Find the latents whose images match real images (GAN inversion), for editing.

Each input is matched by optimising a latent (the StyleGAN2 projector's recipe: Adam, a learning
rate ramp, noise on the latent that fades, stylegan2's noise maps kept noise-like) on a pixel plus a
perceptual distance. Writes latents.npz (`latents`: one row per input in input order, `names`,
`space`, `pixel_mse`, and `labels` for conditional models) and, per input, NAME.png: the input |
its reconstruction. Inputs of another size or colour are converted to the model's, and said so.

examples:
  ganforge invert --model mnist-gan --input digits/ --out inverted/
  ganforge invert --model stylegan2-mnist --input 7.png --space w+ --steps 500 --out inverted/
"""

from __future__ import annotations

import argparse

from ganforge.apps.edit import invert_files
from ganforge.cli.args import (
    add_inversion_arguments,
    add_model_source,
    image_output_names,
    inversion_settings,
    load_latent_model,
)

NAME = "invert"
HELP = "find the latents of real images (GAN inversion)"
OUTPUTS = {"out": "folder"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)


def output_names(args: argparse.Namespace) -> list[str]:
    """The files it writes into --out: a before|after strip per input image and latents.npz."""
    return [*image_output_names(args), "latents.npz"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge invert`."""
    add_model_source(parser)
    parser.add_argument("--input", required=True, help="an image file, or a folder of images")
    parser.add_argument("--out", required=True, help="output folder: latents.npz and one before|after PNG per input")
    add_inversion_arguments(parser)


def run(args: argparse.Namespace) -> None:
    """Invert and report the fidelity."""
    settings = inversion_settings(args)
    model = load_latent_model(args)
    inversion = invert_files(model, args.input, args.out, settings, label=args.label)
    psnr = (10 * (4 / inversion.pixel_mse.clamp_min(1e-12)).log10()).mean()
    print(f"inverted {len(inversion.latents)} image(s) into {inversion.space} (mean PSNR {psnr:.2f} dB); "
          f"latents and before|after strips in {args.out}")
