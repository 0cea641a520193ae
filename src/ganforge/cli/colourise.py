"""Colourise grayscale (or colour) photos with a shipped colouriser (--model colourise-inception: a head
on an ImageNet network's features, the most colourful; --model colourise: the pix2pix GAN) or a run of
`ganforge train colourise`.

The model sees only the lightness L* of each photo and predicts its chroma (CIE Lab); the result
keeps the photo's own lightness exactly, so its structure is never repainted. Chroma is predicted
with the photo scaled to the model's training size (shorter side 128 or 256 for the presets) and scaled
back, so any size works. A colour photo is colourised from its lightness (said on stderr). An RGB
PNG of the same size is written under the same name into --out.

Refused with one line (skipped with a line inside a folder): files that are not images, images with
an alpha channel, images with 16 bits per sample.

examples:
  ganforge colourise --model colourise-inception --input old_photo.png --out coloured/
  ganforge colourise --model colourise --input scans/ --out coloured/   # the GAN, more muted
  ganforge train colourise --out runs/colourise          # on the 118 shared photos (../shared/data)
  ganforge train colourise --data my_photos/ --out runs/mine
  ganforge colourise --checkpoint runs/mine --input old_photo.png --out coloured/
  ganforge train colourise-classes --out runs/classes    # Zhang et al.'s classification over a*b* cells
  ganforge colourise --checkpoint runs/classes --temperature 0.2 --input old_photo.png --out vivid/
"""

from __future__ import annotations

import argparse

from ganforge.apps.translate import colourise_files
from ganforge.cli.args import image_output_names
from ganforge.models.pretrained import pretrained_path

NAME = "colourise"
HELP = "colourise photos (Lab chroma from lightness)"
OUTPUTS = {"out": "folder"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)
output_names = image_output_names  # NAME.png per input image


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge colourise`."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", help="shipped weights (see `ganforge models`), e.g. colourise")
    source.add_argument("--checkpoint", help="a run of `ganforge train colourise` (or colourise-l1, colourise-rgb)")
    parser.add_argument("--input", required=True, help="an image file or a folder of images")
    parser.add_argument("--out", required=True, help="output folder (file names are kept, as .png)")
    parser.add_argument("--temperature", type=float, default=None,
                        help="colour-class models (colourise-classes) only: annealed-mean temperature; lower is more "
                             "vivid and riskier, 1 the plain mean (default: the model's own)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (default: cpu)")


def run(args: argparse.Namespace) -> None:
    """Colourise and say where the files went."""
    checkpoint = pretrained_path(args.model) if args.model else args.checkpoint
    written = colourise_files(checkpoint, args.input, args.out, device=args.device, temperature=args.temperature)
    print(f"colourised {len(written)} image(s) into {args.out}")
