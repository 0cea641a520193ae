"""CPU speed of the ONNX graphs in onnxruntime against the same networks in PyTorch, same threads.

    python bench/speed/export_speed.py [--models mnist-gan,mnist-cgan,srresnet-x4,colourise] [--checkpoint RUN ...]
                                 [--threads 2] [--seconds 5]

Each model is exported with `ganforge export --format onnx` into a temporary folder; then, alternating
PyTorch and onnxruntime in rounds of about --seconds each (so that a change in the machine's load hits
both alike), each runs its fixed input: a batch of 64 noise vectors for noise models, one 256 x 256
image (64 x 64 for super-resolution, whose output is 256 x 256) for translation models. Reported:
images per second of each and their ratio, the median of 3 rounds. Writes docs/eval/export-speed.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnxruntime
import torch

from ganforge.models.io import read_state, resolve_checkpoint
from ganforge.models.onnx import export_onnx, onnx_graphs
from ganforge.models.pretrained import list_pretrained, pretrained_path

OUT = Path(__file__).resolve().parents[2] / "docs" / "eval" / "export-speed.json"


def rate(run, count: int, seconds: float) -> float:
    """Items per second of run() (each call makes `count`), over about `seconds`."""
    run()  # warm-up
    calls, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        run()
        calls += 1
    return calls * count / (time.perf_counter() - started)


def inputs_for(module_inputs: tuple[torch.Tensor, ...], names: list[str], translation: bool, scale: int):
    """The benchmark's fixed inputs (see the module doc)."""
    generator = torch.Generator().manual_seed(0)
    if translation:
        side = 256 // scale
        channels = module_inputs[0].shape[1]
        return (torch.rand(1, channels, side, side, generator=generator) * 2 - 1,)
    z = torch.randn(64, module_inputs[0].shape[1], generator=generator)
    return (z, torch.arange(64) % 10) if "labels" in names else (z,)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="mnist-gan,mnist-cgan,srresnet-x4,colourise")
    parser.add_argument("--checkpoint", action="append", default=[], help="also a run (e.g. a stylegan2 one)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = args.threads, 1
    sources = [(name, pretrained_path(name)) for name in args.models.split(",") if name in list_pretrained()]
    sources += [(Path(path).name, resolve_checkpoint(path)) for path in args.checkpoint]
    rows = []
    for label, source in sources:
        state = read_state(resolve_checkpoint(source))
        with tempfile.TemporaryDirectory() as folder:
            paths = export_onnx(source, Path(folder) / "onnx")
            graphs = onnx_graphs(resolve_checkpoint(source))
            name, module, example, names, _ = graphs[0]
            translation = name in ("AtoB", "BtoA")
            scale = state["model"].get("scale", 1) if state["family"] == "srgan" else 1
            feeds = inputs_for(example, names, translation, scale)
            session = onnxruntime.InferenceSession(str(paths[0]), options, providers=["CPUExecutionProvider"])
            numpy_feeds = {n: t.numpy() for n, t in zip(names, feeds)}
            count = len(feeds[0])
            module.eval()

            def torch_run(module=module, feeds=feeds):
                with torch.inference_mode():
                    module(*feeds)

            rounds = [(rate(torch_run, count, args.seconds),
                       rate(lambda session=session, numpy_feeds=numpy_feeds: session.run(None, numpy_feeds), count,
                            args.seconds)) for _ in range(3)]
        pytorch, onnx = (float(np.median([r[i] for r in rounds])) for i in (0, 1))
        rows.append({"model": label, "family": state["family"], "step": state["step"],
                     "input": "1 image of " + "x".join(map(str, feeds[0].shape[1:])) if translation else
                     f"batch of {count} noise vectors", "pytorch_per_second": round(pytorch, 1),
                     "onnxruntime_per_second": round(onnx, 1), "onnx_over_pytorch": round(onnx / pytorch, 2)})
        print(f"{rows[-1]['model']:18s} {rows[-1]['input']:28s} PyTorch {pytorch:8.1f}/s   onnxruntime {onnx:8.1f}/s   "
              f"ratio {onnx / pytorch:.2f}", flush=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"machine": f"{platform.processor() or platform.machine()}, {args.threads} threads, torch "
                                          f"{torch.__version__}, onnxruntime {onnxruntime.__version__}",
                               "command": " ".join(["python", "bench/speed/export_speed.py", *sys.argv[1:]]), "rows": rows},
                              indent=2) + "\n")


if __name__ == "__main__":
    main()
