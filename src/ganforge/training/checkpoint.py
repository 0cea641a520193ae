"""Writing and restoring training checkpoints atomically (layout: ganforge.models.io).

A checkpoint is first written completely into a hidden temporary folder, each file fsynced,
then renamed to checkpoints/step-NNNNNNNN, and only then is checkpoints/latest switched to it
by an atomic file replace. A process killed at any instant leaves `latest` naming a complete
checkpoint: the old one or the new one.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import save_file
from torch import nn

from ganforge import __version__
from ganforge.errors import GanforgeError
from ganforge.models.io import (
    CHECKPOINTS_DIR,
    FORMAT_VERSION,
    LATEST_FILE,
    MODEL_FILE,
    STATE_FILE,
    STEP_NAME,
    TRAINING_FILE,
    load_state_strict,
    read_state,
    read_tensors,
    role_state,
)
from ganforge.utils.files import atomic_write_text, fsync_dir, staging_dir, umask

BEST_DIR = "best"  # checkpoints/best: the generator of the best evaluated step
PREVIOUS_BEST_DIR = ".best-previous"
OBJECTIVE_PREFIX = "objective."  # objective state in training.safetensors
REPLACED_PREFIX = ".replaced-"  # a step folder being re-saved, until its new copy is in place


def _flat_weights(modules: Mapping[str, nn.Module]) -> dict[str, torch.Tensor]:
    return {
        f"{role}.{key}": value.detach().cpu().contiguous()
        for role, module in modules.items()
        for key, value in module.state_dict().items()
    }


def _flat_optimizers(optimizers: Mapping[str, torch.optim.Optimizer]) -> tuple[dict[str, torch.Tensor], dict]:
    """Optimiser moments as tensors "optimizer.<name>.<param index>.<key>"; hyper-parameters as JSON."""
    tensors, groups = {}, {}
    for name, optimizer in optimizers.items():
        state = optimizer.state_dict()
        for index, values in state["state"].items():
            for key, value in values.items():
                tensors[f"optimizer.{name}.{index}.{key}"] = torch.as_tensor(value).detach().cpu().contiguous()
        groups[name] = state["param_groups"]
    return tensors, groups


def _unflatten_optimizer(tensors: dict[str, torch.Tensor], name: str, groups: list[dict]) -> dict:
    state: dict[int, dict[str, torch.Tensor]] = {}
    prefix = f"optimizer.{name}."
    for key, value in tensors.items():
        if key.startswith(prefix):
            index, field = key[len(prefix) :].split(".", 1)
            state.setdefault(int(index), {})[field] = value
    return {"state": state, "param_groups": groups}


def rng_states() -> dict[str, torch.Tensor]:
    """The global torch RNG states (CPU and every CUDA device)."""
    states = {"rng.cpu": torch.get_rng_state()}
    if torch.cuda.is_available():
        for index, state in enumerate(torch.cuda.get_rng_state_all()):
            states[f"rng.cuda{index}"] = state
    return states


def set_rng_states(tensors: dict[str, torch.Tensor]) -> None:
    """Restore what rng_states() returned (CUDA states only where that device exists)."""
    torch.set_rng_state(tensors["rng.cpu"])
    if torch.cuda.is_available():
        cuda = [tensors[f"rng.cuda{i}"] for i in range(torch.cuda.device_count()) if f"rng.cuda{i}" in tensors]
        if len(cuda) == torch.cuda.device_count():
            torch.cuda.set_rng_state_all(cuda)


def step_dir_name(step: int) -> str:
    """Folder name of the checkpoint after `step` steps."""
    return f"step-{step:08d}"


def _write_folder(root: Path, files: dict[str, Any]) -> Path:
    """Write `files` (name -> tensors dict for .safetensors, JSON-ready dict for .json) into a new
    hidden folder under `root`, each file and the folder fsynced; returns the folder."""
    tmp = staging_dir(root, ".tmp-")
    try:
        for name, content in files.items():
            if name.endswith(".safetensors"):
                save_file(content, tmp / name)
            else:
                (tmp / name).write_text(json.dumps(content, indent=2) + "\n")
            os.chmod(tmp / name, 0o666 & ~umask())  # safetensors writes 0600; follow the user's umask
            with open(tmp / name, "rb") as handle:
                os.fsync(handle.fileno())
        fsync_dir(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp


def _state_json(step: int, state: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": "ganforge-checkpoint",
        "format_version": FORMAT_VERSION,
        "ganforge_version": __version__,
        "step": step,
        **state,
    }


def save_checkpoint(
    run_dir: Path,
    *,
    step: int,
    modules: Mapping[str, nn.Module],
    optimizers: Mapping[str, torch.optim.Optimizer],
    state: dict[str, Any],
    keep: int,
    objective: Mapping[str, torch.Tensor] | None = None,
) -> Path:
    """Write the checkpoint after `step` steps atomically; keep the newest `keep`. Returns its folder.
    `objective`: tensors an objective carries between steps (CycleGAN's image pools)."""
    root = run_dir / CHECKPOINTS_DIR
    root.mkdir(parents=True, exist_ok=True)
    optimizer_tensors, optimizer_groups = _flat_optimizers(optimizers)
    tmp = _write_folder(root, {
        MODEL_FILE: _flat_weights(modules),
        TRAINING_FILE: {
            **optimizer_tensors, **rng_states(),
            **{f"{OBJECTIVE_PREFIX}{key}": value.detach().cpu().contiguous() for key, value in (objective or {}).items()},
        },
        STATE_FILE: {**_state_json(step, state), "optimizers": optimizer_groups},
    })
    final = root / step_dir_name(step)
    replaced = root / (REPLACED_PREFIX + final.name)
    try:
        if final.exists():  # re-saving the same step (e.g. Ctrl-C right after a checkpoint): swap, then delete
            shutil.rmtree(replaced, ignore_errors=True)
            os.rename(final, replaced)  # a crash from here to the next rename: latest_checkpoint renames it back
        os.rename(tmp, final)
        fsync_dir(root)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(replaced, ignore_errors=True)
    atomic_write_text(root / LATEST_FILE, final.name + "\n")
    for old in sorted(root.glob("step-*"))[:-keep]:
        if old.name != final.name:
            shutil.rmtree(old, ignore_errors=True)
    return final


def save_best(
    run_dir: Path, *, step: int, modules: Mapping[str, nn.Module], state: dict[str, Any], evaluation: dict[str, Any]
) -> Path:
    """Keep the generator(s) of `step` as checkpoints/best (weights and state.json with the
    evaluation that chose it: enough to sample, evaluate and export, not to resume)."""
    root = run_dir / CHECKPOINTS_DIR
    root.mkdir(parents=True, exist_ok=True)
    tmp = _write_folder(root, {
        MODEL_FILE: _flat_weights(modules),
        STATE_FILE: {**_state_json(step, state), "evaluation": evaluation},
    })
    best, previous = root / BEST_DIR, root / PREVIOUS_BEST_DIR
    shutil.rmtree(previous, ignore_errors=True)
    if best.exists():
        os.rename(best, previous)
    os.rename(tmp, best)  # a crash before this line leaves `previous`, which best_evaluation restores
    fsync_dir(root)
    shutil.rmtree(previous, ignore_errors=True)
    return best


def best_evaluation(run_dir: Path) -> dict[str, Any] | None:
    """The evaluation recorded in checkpoints/best, or None when the run has no best yet."""
    root = run_dir / CHECKPOINTS_DIR
    best, previous = root / BEST_DIR, root / PREVIOUS_BEST_DIR
    if not best.exists() and previous.exists():
        os.rename(previous, best)  # interrupted between the two renames of save_best
    if not (best / STATE_FILE).is_file():
        return None
    return read_state(best).get("evaluation")


def latest_checkpoint(run_dir: Path) -> Path | None:
    """The checkpoint folder `latest` names in run_dir, or None when the run has none. `latest` may
    only name a step folder beside it (never a path elsewhere)."""
    root = run_dir / CHECKPOINTS_DIR
    pointer = root / LATEST_FILE
    if not pointer.is_file():
        return None
    name = pointer.read_text(errors="replace").strip()
    if not STEP_NAME.fullmatch(name):
        raise GanforgeError(f"{pointer} names {name[:80]!r}, not a step folder beside it (step-NNNNNNNN); "
                            f"delete {pointer} (the newest step-* folder is the last checkpoint)")
    folder = root / name
    if not folder.exists() and (root / (REPLACED_PREFIX + name)).is_dir():
        os.rename(root / (REPLACED_PREFIX + name), folder)  # interrupted while re-saving the same step
    if not (folder / STATE_FILE).is_file():
        raise GanforgeError(f"{pointer} names {folder.name}, which is missing; delete {pointer} to start over")
    return folder


def clean_leftovers(run_dir: Path) -> list[Path]:
    """Remove what interrupted writes left behind (hidden .tmp-* folders and .*.tmp files); call it only
    while holding the run's lock. Returns what was removed."""
    removed = []
    for folder in (run_dir, run_dir / CHECKPOINTS_DIR):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.name.startswith(".tmp-") and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            elif path.name.startswith(".") and path.name.endswith(".tmp") and path.is_file():
                path.unlink(missing_ok=True)
            elif path.name.startswith(REPLACED_PREFIX) and (folder / path.name[len(REPLACED_PREFIX):]).is_dir():
                shutil.rmtree(path, ignore_errors=True)  # its new copy was in place when the run stopped
            else:
                continue
            removed.append(path)
    return removed


def load_checkpoint(
    folder: Path,
    *,
    modules: Mapping[str, nn.Module],
    optimizers: Mapping[str, torch.optim.Optimizer],
    restore_rng: bool = True,
) -> dict[str, Any]:
    """Restore weights, optimiser state and (optionally) RNG from `folder`; returns its state.json,
    plus the objective's tensors under "objective"."""
    state = read_state(folder)
    weights = read_tensors(folder / MODEL_FILE)
    for role, module in modules.items():
        load_state_strict(module, role_state(weights, role), str(folder / MODEL_FILE))
    training = read_tensors(folder / TRAINING_FILE)
    for name, optimizer in optimizers.items():
        optimizer.load_state_dict(_unflatten_optimizer(training, name, state["optimizers"][name]))
    if restore_rng:
        set_rng_states(training)
    state["objective"] = {
        key[len(OBJECTIVE_PREFIX) :]: value for key, value in training.items() if key.startswith(OBJECTIVE_PREFIX)
    }
    return state
