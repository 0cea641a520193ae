"""Draw images from a shipped model or a checkpoint.

A .png/.jpg --out writes a grid; .npz writes `images` uint8 (N, H, W, C) and, for conditional
models, `labels` (N,). Without --label a conditional model cycles evenly through its classes.
"""

from __future__ import annotations

import argparse

from ganforge.apps import sample_to_file
from ganforge.cli.args import seed_type

NAME = "sample"
HELP = "draw images from a trained generator"
OUTPUTS = {"out": "file"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge sample`."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", help="a shipped model (see `ganforge models`)")
    source.add_argument("--checkpoint", help="a run folder or checkpoint folder")
    parser.add_argument("--num", type=int, default=64, help="number of images (default: 64)")
    parser.add_argument("--label", help="class to draw, for conditional models: its name as trained (e.g. male, "
                                         "female for faces-cgan) or its number from 0, or a group of classes "
                                         "its data declared, drawn in turn (a sex+age face model's male: its "
                                         "male classes from 13 on)")
    parser.add_argument("--seed", type=seed_type, default=0, help="noise seed (default: 0)")
    parser.add_argument("--truncation", type=float, default=1.0, metavar="PSI",
                        help="stylegan2: pull w towards the average, w_avg + PSI (w - w_avg); 1 = off, 0.7 "
                             "trades variety for quality, 0 = the average image (default: 1)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (default: cpu)")
    parser.add_argument("--out", required=True, help="output .png/.jpg (grid) or .npz (arrays)")


def run(args: argparse.Namespace) -> None:
    """Sample and say where the file is."""
    path = sample_to_file(
        args.out, num=args.num, model=args.model, checkpoint=args.checkpoint,
        label=args.label, seed=args.seed, device=args.device, truncation=args.truncation,
    )
    print(f"wrote {args.num} images to {path}")
