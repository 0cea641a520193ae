"""Export the generator of a checkpoint as a small standalone model folder (what ganforge ships).

Only the sampling generator is kept (the moving average when the run has one), optionally in
float16 to halve the file; `ganforge sample --checkpoint OUT` reads the result.
"""

from __future__ import annotations

import argparse

from ganforge.models.export import export_generator

NAME = "export"
HELP = "export a checkpoint's generator for sampling"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge export`."""
    parser.add_argument("checkpoint", help="a run folder or checkpoint folder")
    parser.add_argument("--out", required=True, help="folder to write model.safetensors and state.json into")
    parser.add_argument("--half", action="store_true", help="store weights as float16 (half the size)")


def run(args: argparse.Namespace) -> None:
    """Export and report the size."""
    path = export_generator(args.checkpoint, args.out, half=args.half)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
