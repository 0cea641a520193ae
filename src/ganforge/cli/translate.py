"""Translate images with a CycleGAN or pix2pix: a shipped model (--model, see `ganforge models`) or a
checkpoint of your own.

Each input image (one file, or every image in a folder) is written to --out under its own name as
a PNG. A model trained on photos scaled to one size (faces-age: faces at 64 pixels) translates at that
scale: each input is first scaled so its shorter side is that size (--resize none keeps it as given).
Then any size works: the image is reflect-padded to the multiple the generator needs (4 for
CycleGAN's ResNet generator, 2**depth for pix2pix's U-Net), translated whole and cropped back.
A grayscale input for an RGB model is repeated to 3 channels; an RGB input for a grayscale model
is reduced to its luma. Face models expect a face filling the picture, roughly centred (as UTKFace's
aligned crops are).

examples:
  ganforge translate --model faces-age --direction AtoB --input photo.jpg --out older/
  ganforge translate --model faces-age --direction BtoA --input photo.jpg --out younger/
  ganforge train cyclegan-digits --out runs/digits
  ganforge translate --checkpoint runs/digits --direction AtoB --input my_digits/ --out bold/
  ganforge translate --checkpoint runs/horse2zebra --direction BtoA --input zebra.jpg --out horses/
"""

from __future__ import annotations

import argparse

from ganforge.apps.translate import RESIZES, translate_files
from ganforge.cli.args import add_model_source, image_output_names
from ganforge.models.pretrained import pretrained_path

NAME = "translate"
HELP = "translate images with a CycleGAN or pix2pix model"
OUTPUTS = {"out": "folder"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)
output_names = image_output_names  # NAME.png per input image


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge translate`."""
    add_model_source(parser, "translation", "faces-age")
    parser.add_argument("--direction", default="AtoB", choices=("AtoB", "BtoA"),
                        help="AtoB (default) or BtoA (CycleGAN only)")
    parser.add_argument("--input", required=True, help="an image file or a folder of images")
    parser.add_argument("--out", required=True, help="output folder (file names are kept, as .png)")
    parser.add_argument("--resize", default="auto", choices=RESIZES,
                        help="auto (default): scale each input to the scale the model was trained at, when its "
                             "training photos were scaled to one size; none: translate each at its own size")


def run(args: argparse.Namespace) -> None:
    """Translate and say where the files went."""
    checkpoint = pretrained_path(args.model) if args.model else args.checkpoint
    written = translate_files(checkpoint, args.input, args.out, direction=args.direction, device=args.device,
                              resize=args.resize)
    print(f"translated {len(written)} image(s) {args.direction} into {args.out} "
          "(whole images, padded to the generator's multiple and cropped back)")
