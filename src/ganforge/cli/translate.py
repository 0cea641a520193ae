"""Translate images with a trained CycleGAN or pix2pix checkpoint.

Each input image (one file, or every image in a folder) is written to --out under its own name as
a PNG. Any size works: the image is reflect-padded to the multiple the generator needs (4 for
CycleGAN's ResNet generator, 2**depth for pix2pix's U-Net), translated whole and cropped back.
A grayscale input for an RGB model is repeated to 3 channels; an RGB input for a grayscale model
is reduced to its luma.

examples:
  ganforge train cyclegan-digits --out runs/digits
  ganforge translate --checkpoint runs/digits --direction AtoB --input my_digits/ --out bold/
  ganforge translate --checkpoint runs/horse2zebra --direction BtoA --input zebra.jpg --out horses/
"""

from __future__ import annotations

import argparse

from ganforge.apps.translate import translate_files
from ganforge.cli.args import image_output_names

NAME = "translate"
HELP = "translate images with a CycleGAN or pix2pix model"
OUTPUTS = {"out": "folder"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)
output_names = image_output_names  # NAME.png per input image


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge translate`."""
    parser.add_argument("--checkpoint", required=True, help="a run folder or checkpoint folder of a translation model")
    parser.add_argument("--direction", default="AtoB", choices=("AtoB", "BtoA"),
                        help="AtoB (default) or BtoA (CycleGAN only)")
    parser.add_argument("--input", required=True, help="an image file or a folder of images")
    parser.add_argument("--out", required=True, help="output folder (file names are kept, as .png)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (default: cpu)")


def run(args: argparse.Namespace) -> None:
    """Translate and say where the files went."""
    written = translate_files(args.checkpoint, args.input, args.out, direction=args.direction, device=args.device)
    print(f"translated {len(written)} image(s) {args.direction} into {args.out} "
          "(whole images, padded to the generator's multiple and cropped back)")
