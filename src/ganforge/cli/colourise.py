"""Colourise grayscale (or colour) photos with a pix2pix model trained by `ganforge train colourise`.

The model sees only the luma of each image and writes an RGB PNG of the same size under the same
name into --out.

examples:
  ganforge train colourise --out runs/colourise
  ganforge colourise --checkpoint runs/colourise --input old_photo.png --out coloured/
"""

from __future__ import annotations

import argparse

from ganforge.apps.translate import colourise_files

NAME = "colourise"
HELP = "colourise photos (pix2pix)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge colourise`."""
    parser.add_argument("--checkpoint", required=True, help="a run of `ganforge train colourise`")
    parser.add_argument("--input", required=True, help="an image file or a folder of images")
    parser.add_argument("--out", required=True, help="output folder (file names are kept, as .png)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (default: cpu)")


def run(args: argparse.Namespace) -> None:
    """Colourise and say where the files went."""
    written = colourise_files(args.checkpoint, args.input, args.out, device=args.device)
    print(f"colourised {len(written)} image(s) into {args.out}")
