"""Upscale images with a super-resolution model: a checkpoint of `ganforge train srresnet-x4` or
`srgan-x4`, or the shipped x4 weights (--model srresnet-x4, see `ganforge models`).

Each input (one file, or every image in a folder) is written to --out under its own name as a PNG,
`scale` times larger. --tile N upscales N x N pixels at a time, each tile padded by the network's
receptive radius with its real neighbours, so the result equals the whole-image one (tested) while
memory stays bounded. Without --tile, a photo whose network pass would take over 1 GB (estimated before
it runs) is upscaled in tiles chosen for it, said in one line: a 3000x3000 photo works on a small machine.

Unreadable files in a folder (not images, animated GIFs, truncated JPEGs) are skipped with one line
each; outputs are written whole or not at all.

examples:
  ganforge upscale --model srresnet-x4 --input small.png --out big/
  ganforge train srresnet-x4 --out runs/sr
  ganforge upscale --checkpoint runs/sr --input small.png --out big/
  ganforge upscale --checkpoint runs/sr --input photos/ --out big/ --tile 128
  ganforge upscale --model srresnet-x4-paper --input small.png --out big/ --self-ensemble   # 8x the time, a bit sharper
"""

from __future__ import annotations

import argparse

from ganforge.apps.translate import translate_files
from ganforge.cli.args import image_output_names
from ganforge.models.pretrained import pretrained_path

NAME = "upscale"
HELP = "upscale images with a super-resolution model"
OUTPUTS = {"out": "folder"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)
output_names = image_output_names  # NAME.png per input image


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge upscale`."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint", help="a run folder or checkpoint folder of srresnet/srgan")
    source.add_argument("--model", help="shipped weights (see `ganforge models`), e.g. srresnet-x4")
    parser.add_argument("--input", required=True, help="an image file or a folder of images")
    parser.add_argument("--out", required=True, help="output folder (file names are kept, as .png)")
    parser.add_argument("--tile", type=int, default=0, help="input pixels per tile side (default: 0, whole images, or tiles chosen to bound memory when "
                             "a picture's network pass would take over 1 GB; the result is the same)")
    parser.add_argument("--self-ensemble", action="store_true",
                        help="average the model over the 8 turns and mirrors of each input (EDSR's self-ensemble): "
                             "8 times slower, about 0.1 dB more PSNR (docs/super-resolution.md)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (default: cpu)")


def run(args: argparse.Namespace) -> None:
    """Upscale and say where the files went."""
    checkpoint = pretrained_path(args.model) if args.model else args.checkpoint
    written = translate_files(checkpoint, args.input, args.out, device=args.device, tile=args.tile,
                              self_ensemble=args.self_ensemble)
    how = f"in tiles of {args.tile} pixels" if args.tile else "whole, or in tiles where noted"
    print(f"upscaled {len(written)} image(s) into {args.out} ({how})")
