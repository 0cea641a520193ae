"""The style-mixing figure of a stylegan2 model (Karras et al. 2019, figure 3).

The top row shows the column seeds, the left column the row seeds; each other cell is the row
seed's image with its coarse styles (layers 0 .. cut-1: pose, face shape) taken from the column
seed. A lower --cut keeps more of the row seed; a higher one takes more from the column seed.

examples:
  ganforge mix --model stylegan2-mnist --rows 1-4 --cols 5-9 --out mix.png
  ganforge mix --checkpoint runs/stylegan2-faces --rows 1,2,3 --cols 10-14 --out mix.png
  ganforge mix --checkpoint runs/stylegan2-faces --rows 1-4 --cols 5-8 --cut 2 --truncation 0.7 --out mix.png
"""

from __future__ import annotations

import argparse

from ganforge.apps.generate import check_truncation, load_model
from ganforge.apps.style import check_scale, mix_grid, parse_seeds, save_mix
from ganforge.cli.args import add_model_source

NAME = "mix"
HELP = "style-mixing grid of a stylegan2 model"
OUTPUTS = {"out": "file"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge mix`."""
    add_model_source(parser)  # a shipped stylegan2 (stylegan2-mnist) or a stylegan2 run
    parser.add_argument("--rows", required=True, help="row seeds, e.g. 1,2,3 or 1-3")
    parser.add_argument("--cols", required=True, help="column seeds, e.g. 10-14")
    parser.add_argument("--cut", type=int, help="first layer that keeps the row's style (default: half the layers)")
    parser.add_argument("--truncation", type=float, default=1.0, metavar="PSI", help="truncation psi (default: 1)")
    parser.add_argument("--scale", type=int, default=2, help="enlarge the picture this many times (default: 2)")
    parser.add_argument("--out", required=True, help="output .png")


def run(args: argparse.Namespace) -> None:
    """Draw the grid."""
    check_scale(args.scale)
    rows, cols = parse_seeds(args.rows, "--rows"), parse_seeds(args.cols, "--cols")
    loaded = load_model(model=args.model, checkpoint=args.checkpoint, device=args.device)
    check_truncation(loaded, args.truncation)
    path = save_mix(mix_grid(loaded, rows, cols, cut=args.cut, truncation=args.truncation), args.out, args.scale)
    print(f"wrote a {len(rows)} x {len(cols)} style-mixing grid to {path}")
