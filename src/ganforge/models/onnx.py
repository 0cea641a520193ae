"""ONNX export of a checkpoint's generators, so a model trained with ganforge runs where PyTorch is
not installed (onnxruntime, browsers, other languages), checked against PyTorch on fixed inputs.

What is exported, per family (every graph has a dynamic batch axis):
  dcgan, wavegan    generator.onnx: z (B, latent) [, labels (B,) int64] -> images (B, C, H, W) or
                    waveforms (B, 1, samples); z is drawn by the caller (normal, or uniform for wavegan)
  stylegan2         generator.onnx: z (B, z_dim) -> images; the fixed noise inputs (eval mode), truncation
                    1, and the modulation done on the activations (models.stylegan2.modulated_conv2d
                    with fused=False) so the convolution weights are constants of the graph
  cyclegan          AtoB.onnx and BtoA.onnx, pix2pix and srgan AtoB.onnx: images (B, C, H, W) -> images,
                    height and width dynamic too; sides must be multiples of the family's input
                    multiple (ganforge's Python side pads; an ONNX caller pads itself)
  anomaly families  not yet: refused in one line
The TorchScript-based exporter (torch.onnx.export(dynamo=False)) is used: it needs the onnx package
(the `ganforge[onnx]` extra), not onnxscript. onnx.json beside the graphs lists each file's inputs and outputs, the checkpoint and
step, and the largest difference onnxruntime gave against PyTorch on the check inputs (needs
onnxruntime; the export fails when the difference exceeds TOLERANCE).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn

from ganforge.errors import GanforgeError
from ganforge.models import FAMILIES, STYLE
from ganforge.models.io import load_network, read_state, resolve_checkpoint
from ganforge.utils.files import atomic_write, atomic_write_text, publish_folder, refuse_overwriting, staging_for

OPSET = 17
TOLERANCE = 1e-4  # largest |onnxruntime - PyTorch| accepted on the check inputs


class NoiseGraph(nn.Module):
    """A noise family's generator as a pure function of its inputs (eval mode)."""

    def __init__(self, generator: nn.Module, conditional: bool):
        super().__init__()
        self.generator = generator.eval()
        self.conditional = conditional

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        """Images (or waveforms) of z [and labels]."""
        return self.generator(z, labels if self.conditional else None)


class StyleGraph(nn.Module):
    """StyleGAN2: mapping, then synthesis with the fixed noise and activation-side modulation."""

    def __init__(self, generator: nn.Module):
        super().__init__()
        self.generator = generator.eval()

    def forward(self, z: Tensor) -> Tensor:
        """Images of z."""
        return self.generator.synthesis(self.generator.ws(z), "const", None, fused=False)


def onnx_graphs(folder: Path) -> list[tuple[str, nn.Module, tuple[Tensor, ...], list[str], dict]]:
    """(file stem, module, example inputs, input names, dynamic axes) for each graph of the checkpoint."""
    state = read_state(folder)
    family = FAMILIES.get(state["family"])
    if family.detects_anomalies:
        raise GanforgeError(f"{folder} is a {state['family']} anomaly detector; ONNX export covers generators only "
                            "for now (dcgan, wavegan, stylegan2, cyclegan, pix2pix, srgan)")
    graphs = []
    if family.translates:
        for direction, role in family.directions.items():
            loaded = load_network(folder, role)
            shape = family.translation_shape(loaded.config, direction)
            side = shape.input_multiple * max(1, 64 // shape.input_multiple)
            images = torch.rand(2, shape.in_channels, side, side, generator=torch.Generator().manual_seed(0)) * 2 - 1
            axes = {"images": {0: "batch", 2: "height", 3: "width"}, "output": {0: "batch", 2: "height", 3: "width"}}
            graphs.append((direction, loaded.generator.eval(), (images,), ["images"], axes))
        return graphs
    loaded = load_network(folder)
    generator = loaded.generator.eval()
    z = generator.sample_latent(3, generator=torch.Generator().manual_seed(0))
    if family.can(STYLE):
        return [("generator", StyleGraph(generator), (z,), ["z"], {"z": {0: "batch"}, "output": {0: "batch"}})]
    classes = family.num_classes(loaded.config)
    axes = {"z": {0: "batch"}, "output": {0: "batch"}}
    if classes:
        labels = torch.arange(3) % classes
        return [("generator", NoiseGraph(generator, True), (z, labels), ["z", "labels"], {**axes, "labels": {0: "batch"}})]
    return [("generator", NoiseGraph(generator, False), (z,), ["z"], axes)]


def _check(path: Path, module: nn.Module, inputs: tuple[Tensor, ...], names: list[str]) -> float | None:
    """Largest |onnxruntime - PyTorch| on `inputs` and on a batch of another size; None without onnxruntime."""
    try:
        import onnxruntime
        from onnxruntime.capi.onnxruntime_pybind11_state import Fail, InvalidArgument, RuntimeException
    except ImportError:
        return None
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    worst = 0.0
    for batch in (inputs, tuple(torch.cat([t, t[:1]]) for t in inputs)):  # another batch size: the axis is dynamic
        with torch.no_grad():
            expected = module(*batch).numpy()
        try:
            got = session.run(None, {name: t.numpy() for name, t in zip(names, batch)})[0]
        except (Fail, InvalidArgument, RuntimeException) as error:  # e.g. a batch size fixed in the graph
            raise GanforgeError(f"the ONNX graph {path.name} fails on a batch of {len(batch[0])} "
                                f"({str(error).splitlines()[0][:160]}); it was not kept") from None
        worst = max(worst, float(np.abs(got - expected).max()))
    return worst


def export_onnx(checkpoint: str | Path, out: str | Path) -> list[Path]:
    """Write each generator of `checkpoint` as <out>/<name>.onnx plus <out>/onnx.json; see the module doc."""
    folder = resolve_checkpoint(checkpoint)
    state = read_state(folder)
    graphs = onnx_graphs(folder)  # refuses families without an ONNX path before anything is written
    if importlib.util.find_spec("onnx") is None:
        raise GanforgeError("ONNX export needs the onnx package: pip install 'ganforge[onnx]' (or onnx onnxruntime)")
    refuse_overwriting(out)
    out = Path(out)
    # every graph written and checked beside --out, then moved in with onnx.json last: a killed export never
    # leaves an unchecked graph under its final name
    staging = staging_for(out)
    try:
        written = _write_graphs(graphs, staging, folder, state)
        publish_folder(staging, out, order=tuple(path.name for path in written))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out / path.name for path in written]


def _write_graphs(graphs: list, out: Path, folder: Path, state: dict) -> list[Path]:
    """Each graph as <out>/<name>.onnx, checked against PyTorch, and <out>/onnx.json; the graphs' paths."""
    written, described = [], {}
    for name, module, inputs, input_names, axes in graphs:
        module.eval()  # the exporter restores the wrapper's mode afterwards: it must be eval, batch norm included
        path = out / f"{name}.onnx"

        def write(tmp: Path, module=module, inputs=inputs, input_names=input_names, axes=axes) -> None:
            with warnings.catch_warnings():  # the TorchScript exporter's deprecation notice is not the user's
                warnings.simplefilter("ignore")
                torch.onnx.export(module, inputs, str(tmp), input_names=input_names, output_names=["output"],
                                  dynamic_axes=axes, opset_version=OPSET, dynamo=False)

        atomic_write(path, write)
        try:
            difference = _check(path, module, inputs, input_names)
        except GanforgeError:
            path.unlink()
            raise
        if difference is not None and difference > TOLERANCE:
            path.unlink()
            raise GanforgeError(f"the ONNX graph of {name} differs from PyTorch by {difference:.2g} (more than "
                                f"{TOLERANCE:g}); it was not kept")
        if difference is None:
            print(f"note: onnxruntime is not installed, so {path.name} was not checked against PyTorch "
                  "(pip install onnxruntime)", file=sys.stderr)
        described[path.name] = {"inputs": input_names, "example_shapes": {n: list(t.shape) for n, t in
                                                                           zip(input_names, inputs)},
                                "dynamic_axes": axes, "max_abs_difference_vs_pytorch": difference}
        written.append(path)
    atomic_write_text(out / "onnx.json", json.dumps({"family": state["family"], "checkpoint": str(folder),
                                                      "step": state["step"], "opset": OPSET, "graphs": described},
                                                     indent=2) + "\n")
    return written
