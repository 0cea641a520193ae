"""The on-disk layout of a ganforge checkpoint, and loading a generator from one without training code.

A checkpoint is a folder:
    model.safetensors     weights and buffers, keys "<role>.<param>" (generator., discriminator.,
                          generator_ema.); the only file a shipped model needs
    state.json            what the weights are: format version, family, model config, step, data,
                          run config, ganforge version
    training.safetensors  optimiser moments and RNG states (training checkpoints only); the
                          optimisers' hyper-parameters sit in state.json under "optimizers"
An exported model may store its larger weights as int8 (`ganforge export --int8`): the tensor "<key>" in
int8 and "<key>.int8_scale" beside it, one float per slice along dim 0; reading multiplies them back.
A training run keeps its checkpoints as <run>/checkpoints/step-NNNNNNNN/ and names the newest in
<run>/checkpoints/latest. Nothing here unpickles: JSON and safetensors only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file
from torch import nn

from ganforge.config import config_from_dict
from ganforge.errors import GanforgeError
from ganforge.models import FAMILIES
from ganforge.models.sizing import require_networks_fit
from ganforge.models.tasks import require_task, task_of

FORMAT_VERSION = 1
MODEL_FILE = "model.safetensors"
STATE_FILE = "state.json"
TRAINING_FILE = "training.safetensors"
CHECKPOINTS_DIR = "checkpoints"
LATEST_FILE = "latest"
EMA_SUFFIX = "_ema"  # "generator_ema" holds the moving average of "generator"
STATE_FIELDS = {"step": int, "family": str, "model": dict, "run": dict, "data": dict, "optimizers": dict,
                "train_seconds": float}
INT8_SCALE = ".int8_scale"  # "<key>.int8_scale": the per-row scale of the int8 tensor "<key>"
STEP_NAME = re.compile(r"step-\d{8,}")  # what `latest` may name: a step folder beside it, nothing elsewhere


def resolve_checkpoint(path: str | Path) -> Path:
    """The checkpoint folder meant by a run folder, a checkpoints/ folder, a step folder or its model file."""
    path = Path(path)
    if path.is_file() and path.name == MODEL_FILE:
        path = path.parent
    if (path / CHECKPOINTS_DIR).is_dir():
        path = path / CHECKPOINTS_DIR
    if (path / LATEST_FILE).is_file():
        name = (path / LATEST_FILE).read_text(errors="replace").strip()
        if not STEP_NAME.fullmatch(name):
            raise GanforgeError(f"{path / LATEST_FILE} names {name[:80]!r}, not a step folder beside it "
                                "(step-NNNNNNNN); pass a step folder, or delete the file")
        path = path / name
    if not (path / STATE_FILE).is_file() or not (path / MODEL_FILE).is_file():
        raise GanforgeError(
            f"{path} is not a ganforge checkpoint (no {STATE_FILE} and {MODEL_FILE}); "
            "pass a run folder or a checkpoint folder written by `ganforge train`"
        )
    return path


def read_state(folder: Path) -> dict[str, Any]:
    """state.json of a checkpoint folder, checked for format."""
    try:
        state = json.loads((folder / STATE_FILE).read_text())
    except (OSError, ValueError) as error:
        raise GanforgeError(f"{folder / STATE_FILE} is unreadable ({error}); the checkpoint is damaged") from None
    if not isinstance(state, dict) or state.get("format") != "ganforge-checkpoint":
        raise GanforgeError(f"{folder / STATE_FILE} is not a ganforge checkpoint's state; the checkpoint is damaged")
    version = state.get("format_version", 0)
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise GanforgeError(f"{folder} was not written by this ganforge version; upgrade ganforge to read it")
    for key, kind in STATE_FIELDS.items():
        if key in state and not (isinstance(state[key], kind) and not isinstance(state[key], bool)):
            raise GanforgeError(f"{folder / STATE_FILE} is damaged: '{key}' should be {kind.__name__}, not "
                                f"{type(state[key]).__name__}; use another checkpoint")
    if not isinstance(state.get("family"), str) or not isinstance(state.get("model"), dict):
        raise GanforgeError(f"{folder / STATE_FILE} is damaged: it names no model family and config")
    if state.get("step", 0) < 0:
        raise GanforgeError(f"{folder / STATE_FILE} is damaged: a negative step")
    return state


def read_tensors(path: Path) -> dict[str, torch.Tensor]:
    """All tensors of a safetensors file (int8 ones multiplied back by their scales, in float32), as a user
    error when the file is damaged."""
    try:
        tensors = load_file(path)
    except (SafetensorError, OSError, ValueError) as error:
        raise GanforgeError(f"{path} is damaged ({error}); use another checkpoint") from None
    return dequantise_int8(tensors, str(path))


def quantise_int8(tensors: dict[str, torch.Tensor], min_size: int = 1024) -> dict[str, torch.Tensor]:
    """Floating tensors of two or more dimensions and at least `min_size` values (convolution and dense
    weights) as symmetric int8 with one float32 scale per slice along dim 0 (the largest magnitude of the
    slice maps to 127); other floating tensors in float16, the rest as they are."""
    out = {}
    for key, value in tensors.items():
        if value.is_floating_point() and value.dim() >= 2 and value.numel() >= min_size:
            value = value.float()
            scale = value.abs().amax(dim=tuple(range(1, value.dim()))).clamp_min(1e-12) / 127
            shaped = scale.view(-1, *[1] * (value.dim() - 1))
            out[key] = torch.round(value / shaped).clamp(-127, 127).to(torch.int8).contiguous()
            out[key + INT8_SCALE] = scale.contiguous()
        else:
            out[key] = (value.half() if value.is_floating_point() else value).contiguous()
    return out


def dequantise_int8(tensors: dict[str, torch.Tensor], where: str) -> dict[str, torch.Tensor]:
    """The inverse of quantise_int8: each int8 tensor with a scale beside it back in float32."""
    scales = {key.removesuffix(INT8_SCALE): tensors[key] for key in tensors if key.endswith(INT8_SCALE)}
    if not scales:
        return tensors
    out = {key: value for key, value in tensors.items() if not key.endswith(INT8_SCALE)}
    for key, scale in scales.items():
        value = out.get(key)
        if value is None or value.dtype != torch.int8 or scale.dim() != 1 or scale.numel() != value.shape[0]:
            raise GanforgeError(f"{where} is damaged: {key}{INT8_SCALE} matches no int8 tensor of its rows; "
                                "use another checkpoint")
        out[key] = value.float() * scale.float().view(-1, *[1] * (value.dim() - 1))
    return out


def tensor_names(path: Path) -> set[str]:
    """The names of the tensors a safetensors file holds (only its header is read); a user error when the
    file is missing, truncated, empty or not safetensors (a pickle, say: nothing of it is run)."""
    try:
        with safe_open(path, framework="pt") as weights:
            return set(weights.keys())
    except (SafetensorError, OSError, ValueError) as error:
        raise GanforgeError(f"{path} is damaged ({error}); use another checkpoint") from None


def role_state(tensors: dict[str, torch.Tensor], role: str) -> dict[str, torch.Tensor]:
    """The state dict of one network from a flat "<role>.<name>" mapping."""
    prefix = role + "."
    return {key[len(prefix) :]: value for key, value in tensors.items() if key.startswith(prefix)}


def load_state_strict(module: nn.Module, state: dict[str, torch.Tensor], what: str) -> None:
    """Load weights (casting to the module's dtype); a shape or key mismatch is a user error."""
    own = module.state_dict()
    if set(own) != set(state) or any(own[k].shape != state[k].shape for k in own):
        raise GanforgeError(
            f"the weights in {what} do not fit this model (a checkpoint of another model or config?); "
            "pass a checkpoint of the same model"
        )
    bad = next((k for k, v in state.items() if v.is_floating_point() and not torch.isfinite(v).all()), None)
    if bad is not None:
        raise GanforgeError(f"{what} holds non-finite values (NaN or inf, in {bad}): the training diverged before "
                            "it was saved; use an earlier checkpoint")
    module.load_state_dict({k: v.to(own[k].dtype) for k, v in state.items()})


@dataclass
class LoadedGenerator:
    """A network ready to run (a generator, or a translator), and what its checkpoint says about it."""

    generator: nn.Module
    family: str
    config: Any  # the family's config dataclass
    state: dict[str, Any]  # the checkpoint's state.json
    source: Path

    @property
    def class_names(self) -> list[str]:
        """The names of the classes it was trained on, label order ([] when its checkpoint records none)."""
        return [str(name) for name in self.state.get("data", {}).get("class_names", [])]

    @property
    def class_groups(self) -> dict[str, tuple[int, ...]]:
        """Names for several of its classes at once ("male": a sex+age model's male classes from 13 on), as
        its data declared them ({} when its checkpoint records none)."""
        groups = self.state.get("data", {}).get("class_groups", {})
        return {str(name): tuple(int(k) for k in group) for name, group in groups.items()}


def load_network(path: str | Path, role: str | None = None, *, use_ema: bool = True,
                 device: str | torch.device = "cpu") -> LoadedGenerator:
    """Build one network a checkpoint describes (default: the family's generator) and load its
    weights, the moving average's when there is one."""
    folder = resolve_checkpoint(path)
    state = read_state(folder)
    family = FAMILIES.get(state["family"])
    config = config_from_dict(family.config_class, state["model"], f"the model config of {folder}")
    role = role or family.generator_role
    require_networks_fit(family.build, config, f"the networks {folder / STATE_FILE} declares", copies=1)
    network = family.build(config)[role]
    tensors = read_tensors(folder / MODEL_FILE)
    if use_ema and any(k.startswith(role + EMA_SUFFIX + ".") for k in tensors):
        role += EMA_SUFFIX
    load_state_strict(network, role_state(tensors, role), str(folder / MODEL_FILE))
    return LoadedGenerator(network.to(device).eval(), state["family"], config, state, folder)


def checkpoint_task(path: str | Path) -> str:
    """The task of the checkpoint or run folder at `path` (ganforge.models.tasks.task_of)."""
    return task_of(read_state(resolve_checkpoint(path)))


def load_generator(path: str | Path, *, use_ema: bool = True, device: str | torch.device = "cpu") -> LoadedGenerator:
    """The generator of a noise-to-image checkpoint; a translation checkpoint is a user error."""
    folder = resolve_checkpoint(path)
    require_task(read_state(folder), folder, ("generate", "speak"), "this command takes a model that draws from noise (`ganforge models` lists them)")
    return load_network(folder, use_ema=use_ema, device=device)
