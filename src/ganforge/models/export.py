"""Standalone generator folders: the sampling weights of a checkpoint, without optimiser or discriminator."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import save_file

from ganforge.models.io import MODEL_FILE, STATE_FILE, load_generator
from ganforge.utils.files import atomic_write, atomic_write_text, ensure_writable_dir


def export_generator(checkpoint: str | Path, out: str | Path, *, half: bool = False) -> Path:
    """Write <out>/model.safetensors (generator.*, EMA weights if any) and <out>/state.json."""
    loaded = load_generator(checkpoint)
    out = ensure_writable_dir(out)
    dtype = torch.float16 if half else torch.float32
    role = "generator"
    tensors = {
        f"{role}.{key}": (value.to(dtype) if value.is_floating_point() else value).contiguous()
        for key, value in loaded.generator.state_dict().items()
    }
    state = {key: value for key, value in loaded.state.items() if key != "optimizers"}
    state["exported_from"] = str(loaded.source)
    state["weights_dtype"] = str(dtype).removeprefix("torch.")
    atomic_write(out / MODEL_FILE, lambda tmp: save_file(tensors, tmp))
    atomic_write_text(out / STATE_FILE, json.dumps(state, indent=2) + "\n")
    return out / MODEL_FILE
