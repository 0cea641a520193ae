"""Fill a masked region of images with a pix2pix model trained by `ganforge train complete`.

--mask is an image of the same size as the input(s): white (any value above 127) marks the pixels
to fill. Pixels outside the mask are kept exactly; the output is a PNG of the same name in --out.

examples:
  ganforge train complete --out runs/complete
  ganforge complete --checkpoint runs/complete --input photo.png --mask hole.png --out filled/
"""

from __future__ import annotations

import argparse

from ganforge.apps.translate import complete_files

NAME = "complete"
HELP = "fill a masked region of photos (pix2pix)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge complete`."""
    parser.add_argument("--checkpoint", required=True, help="a run of `ganforge train complete`")
    parser.add_argument("--input", required=True, help="an image file, or a folder of images of the mask's size")
    parser.add_argument("--mask", required=True, help="mask image of the same size: white = fill")
    parser.add_argument("--out", required=True, help="output folder (file names are kept, as .png)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (default: cpu)")


def run(args: argparse.Namespace) -> None:
    """Complete and say where the files went."""
    written = complete_files(args.checkpoint, args.input, args.mask, args.out, device=args.device)
    print(f"completed {len(written)} image(s) into {args.out}")
