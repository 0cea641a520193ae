"""Combine two real images with a stylegan2 model: the structure of one, the style of the other.

Both are inverted (into w+ by default), then the structure image's coarse style inputs (layers
before --cut: pose, shape) are joined to the style image's fine ones (stroke, texture): style
mixing of real images. Writes combine.png: structure | style | both inversions | the combination.

examples:
  ganforge combine --model stylegan2-mnist --structure a.png --style b.png --out combined/
  ganforge combine --checkpoint runs/sg-faces --structure a.png --style b.png --cut 2 --out combined/
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ganforge.apps.edit import combine_files
from ganforge.cli.args import add_inversion_arguments, add_model_source, inversion_settings, load_latent_model
from ganforge.errors import GanforgeError

NAME = "combine"
HELP = "the structure of one real image with the style of another (stylegan2)"
OUTPUTS = {"out": "folder"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)


def output_names(args: argparse.Namespace) -> list[str]:
    """The file it writes into --out."""
    return ["combine.png"]



def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge combine`."""
    add_model_source(parser)
    parser.add_argument("--structure", required=True, help="image whose coarse styles (shape, pose) are kept")
    parser.add_argument("--style", required=True, help="image whose fine styles (stroke, texture) are taken")
    parser.add_argument("--cut", type=int, help="first style input taken from --style (default: half of them)")
    parser.add_argument("--out", required=True, help="output folder for combine.png")
    add_inversion_arguments(parser, space_default="w+")


def run(args: argparse.Namespace) -> None:
    """Combine and say where the picture went."""
    for path in (args.structure, args.style):
        if not Path(path).is_file():
            raise GanforgeError(f"{path} is not an image file; --structure and --style take one image each")
    if args.cut is not None and args.cut < 1:
        raise GanforgeError(f"--cut {args.cut}: the first style input taken from --style must be at least 1 (input 0 "
                            "is the structure's); leave --cut out for half of them")
    model = load_latent_model(args)
    path = combine_files(model, args.structure, args.style, args.out, inversion_settings(args), cut=args.cut)
    print(f"wrote {path}")
