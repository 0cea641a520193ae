"""Export the generator of a checkpoint: as a small standalone model folder (what ganforge ships),
or as ONNX graphs that run without PyTorch.

--format safetensors (default): only the sampling generator is kept (the moving average when the
run has one), optionally in float16 (--half: half the file) or with its convolution and dense weights in int8
(--int8: about a quarter; measure the model after it); `ganforge sample --checkpoint OUT` reads it.
--format onnx: each generator as <name>.onnx with a dynamic batch (and image size, for translation
models), checked against PyTorch with onnxruntime when it is installed; onnx.json describes them.

examples:
  ganforge export runs/cgan --out my-model --half
  ganforge export src/ganforge/weights/faces-sex --out faces-sex-int8 --int8   # a model folder, made smaller
  ganforge export runs/cgan --format onnx --out my-model-onnx
"""

from __future__ import annotations

import argparse

from ganforge.errors import GanforgeError
from ganforge.models.export import export_generator
from ganforge.models.onnx import export_onnx

NAME = "export"
HELP = "export a checkpoint's generator for sampling"
OUTPUTS = {"out": "folder"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)


def output_names(args: argparse.Namespace) -> list[str]:
    """The files it writes into --out."""
    return ["*.onnx", "onnx.json"] if args.format == "onnx" else ["model.safetensors", "state.json"]



def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge export`."""
    parser.add_argument("checkpoint", help="a run folder or checkpoint folder")
    parser.add_argument("--out", required=True, help="folder to write model.safetensors and state.json into")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--half", action="store_true", help="store weights as float16 (half the size; safetensors)")
    size.add_argument("--int8", action="store_true",
                      help="store convolution and dense weights as int8 with a float scale per output row, the rest "
                           "as float16 (about a quarter of float32; safetensors)")
    parser.add_argument("--format", choices=("safetensors", "onnx"), default="safetensors",
                        help="safetensors (a ganforge model folder) or onnx (graphs for onnxruntime) (default: "
                             "safetensors)")


def run(args: argparse.Namespace) -> None:
    """Export and report the size."""
    if args.format == "onnx":
        if args.half or args.int8:
            raise GanforgeError(f"{'--half' if args.half else '--int8'} applies to --format safetensors; ONNX graphs "
                                "are written in float32")
        for path in export_onnx(args.checkpoint, args.out):
            print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
        return
    path = export_generator(args.checkpoint, args.out, half=args.half, int8=args.int8)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
