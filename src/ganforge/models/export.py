"""Standalone model folders: the generator(s) of a checkpoint (the sampling weights of a noise family,
each direction's generator of a translation family), without optimiser or discriminator."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch
from safetensors.torch import save_file

from ganforge.models import FAMILIES
from ganforge.models.io import MODEL_FILE, STATE_FILE, load_network, quantise_int8, read_state, resolve_checkpoint
from ganforge.utils.files import atomic_write, atomic_write_text, publish_folder, refuse_overwriting, staging_for


def export_generator(checkpoint: str | Path, out: str | Path, *, half: bool = False, int8: bool = False) -> Path:
    """Write <out>/model.safetensors (each generator role's weights, the EMA's if any) and <out>/state.json;
    `half`: floating tensors in float16; `int8`: convolution and dense weights in int8 with a float scale per
    output row, the rest in float16 (ganforge.models.io.quantise_int8). A model folder exported before may be
    exported again (to make it smaller); its `exported_from` is kept."""
    folder = resolve_checkpoint(checkpoint)
    family = FAMILIES.get(read_state(folder)["family"])
    dtype = torch.float16 if half else torch.float32
    tensors = {}
    for role in dict.fromkeys(family.directions.values() or [family.generator_role]):
        loaded = load_network(folder, role)
        tensors.update({
            f"{role}.{key}": (value.to(dtype) if value.is_floating_point() else value).contiguous()
            for key, value in loaded.generator.state_dict().items()
        })
    if int8:
        tensors = quantise_int8(tensors)
    refuse_overwriting(out)  # a run or model folder (the checkpoint itself among them) is never written over
    out = Path(out)
    state = {key: value for key, value in loaded.state.items() if key != "optimizers"}
    state["exported_from"] = state.get("exported_from", str(loaded.source))
    state["weights_dtype"] = "int8" if int8 else str(dtype).removeprefix("torch.")
    # written whole beside --out, then moved in: a killed export leaves no half model that blocks a rerun
    staging = staging_for(out)
    try:
        atomic_write(staging / MODEL_FILE, lambda tmp: save_file(tensors, tmp))
        atomic_write_text(staging / STATE_FILE, json.dumps(state, indent=2) + "\n")
        publish_folder(staging, out, order=(MODEL_FILE, STATE_FILE))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out / MODEL_FILE
