"""`train()`: the library call behind `ganforge train`."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path

import torch

from ganforge.data import load_training_data
from ganforge.errors import GanforgeError
from ganforge.models import FAMILIES
from ganforge.models.io import read_state
from ganforge.training.checkpoint import clean_leftovers, latest_checkpoint
from ganforge.training.config import (
    RunConfig,
    changed_keys,
    config_difference,
    load_run_config,
    run_config_from_dict,
    with_changes,
)
from ganforge.training.distributed import init_distributed, shutdown
from ganforge.training.trainer import Trainer, TrainResult
from ganforge.utils.files import FolderLock
from ganforge.utils.seed import busy_cpu_note, resolve_device, set_threads


def train(
    preset_or_config: str,
    *,
    data: str | None = None,
    out: str | Path | None = None,
    steps: int | None = None,
    minutes: float | None = None,
    seed: int | None = None,
    batch_size: int | None = None,
    device: str = "auto",
    resume: bool = False,
    download: bool = False,
    progress: bool = True,
    eval_every: int | None = None,
    eval_metric: str | None = None,
    init_generator: str | None = None,
    overrides: Sequence[str] = (),
    threads: int | None = None,
) -> TrainResult:
    """Train a preset or TOML config; with `resume`, continue the run in `out` from its latest checkpoint.

    A resumed run keeps the config saved in its checkpoint; only `steps` (a new total), `minutes`
    and the evaluation settings may change (evaluation never alters the training trajectory).
    `overrides` are `section.key=value` strings (`--set`), checked as the same keys in a TOML file.
    `threads` sets PyTorch's CPU threads for this process (None: one per core).
    """
    evaluation = {"eval_every": eval_every, "eval_metric": eval_metric}
    run_dir = Path(out) if out else Path("runs") / Path(preset_or_config).stem
    if minutes is not None and not minutes > 0:
        raise GanforgeError(f"--minutes {minutes}: give a positive time budget, or leave --minutes out")
    run = requested = load_run_config(preset_or_config)
    saved = None
    if resume and (checkpoint := latest_checkpoint(run_dir)) is not None:
        state = read_state(checkpoint)
        saved = run_config_from_dict(state["run"], f"the config saved in {checkpoint}")
        if steps is not None and steps < state["step"]:
            raise GanforgeError(f"--steps {steps} is below the {state['step']} steps {run_dir} has trained; pass a "
                                "larger total to continue it")
        if data and data != saved.data:
            raise GanforgeError(f"--resume continues on {saved.data!r}, the run's own data; drop --data")
        if seed is not None or batch_size is not None or init_generator or overrides:
            raise GanforgeError("--resume keeps the run's own config, seed, batch size and starting weights; drop "
                                "--set (and --precision, --compile, --normal, which set it), --seed, --batch-size "
                                "and --init-generator")
        run = with_changes(saved, steps=steps, **evaluation)
    else:
        run = with_changes(run, data=data, steps=steps, seed=seed, batch_size=batch_size,
                           init_generator=init_generator, overrides=overrides, **evaluation)
        run = dataclasses.replace(run, changed=changed_keys(requested, run))
    if not run.data:
        raise GanforgeError(f"{run.preset or preset_or_config} has no default data; pass --data DATASET or a folder")
    if minutes is not None and steps is None and not resume and "train.steps" not in run.changed:
        # a time budget alone: run until the clock says stop (a total given by --set train.steps stays the
        # run's: it stops at whichever comes first, and a resume goes on to that total)
        run = dataclasses.replace(run, train=dataclasses.replace(run.train, steps=10**9))
    torch_device = resolve_device(device)
    set_threads(threads)
    dist = init_distributed(torch_device)
    if dist.enabled and torch_device.type == "cuda":
        torch_device = torch.device("cuda", dist.local_rank)
        torch.cuda.set_device(torch_device)
    lock = FolderLock(run_dir)
    created, finished = dist.is_main and not run_dir.exists(), False
    try:
        if dist.is_main:  # one run per folder: a second training into it is refused while this one lives
            lock.acquire()
            if lock.took_over is not None:
                print(f"note: took over {run_dir} from a training that ended without releasing it "
                      f"(PID {lock.took_over})", file=sys.stderr)
            for path in clean_leftovers(run_dir):
                print(f"note: removed {path.name}, left by an interrupted write", file=sys.stderr)
        family = FAMILIES.get(run.family)
        side = family.image_side(run.model) if family.image_side is not None else 0
        notes: list[str] = []  # what loading did to the data (resized, cached): said once the run is accepted
        dataset = load_training_data(family.data_kind, run.data, "train", preprocess=run.preprocess, download=download,
                                     size=side, on_note=notes.append)
        if saved is not None:
            _check_same_config(saved, requested, dataset, run_dir)
        if (busy := busy_cpu_note(torch_device)) is not None:
            notes.append(busy)
        # the trainer seeds torch's global generators from the run's seed (its networks' initialisation, noise
        # and dropout draw from them); the caller's random state is restored afterwards, as if never touched
        with torch.random.fork_rng(devices=_initialised_cuda_devices()):
            trainer = Trainer(run, dataset, run_dir=run_dir, device=torch_device, dist=dist, resume=resume,
                              progress=progress)
            for note in notes if dist.is_main else ():
                print(note, file=sys.stderr)
            result = trainer.fit(minutes=minutes)
        finished = True
        return result
    finally:
        lock.release()
        if created and not finished and run_dir.is_dir() and not any(run_dir.iterdir()):
            run_dir.rmdir()  # a run refused before it wrote anything leaves no empty folder behind
        shutdown(dist)


def _initialised_cuda_devices() -> list[int]:
    """The CUDA devices whose random state the caller may have set (none before CUDA is initialised)."""
    return list(range(torch.cuda.device_count())) if torch.cuda.is_initialized() else []


def _check_same_config(saved: RunConfig, requested: RunConfig, dataset, run_dir: Path) -> None:
    """Refuse to resume a run under another config: the one asked for, fitted to the run's data as the
    saved one was (channels and classes come from the data), must match it except for the steps and
    evaluation settings."""
    if requested.train.precision == "auto":  # the default, not a choice: a run keeps the precision it was saved with
        requested = dataclasses.replace(requested, train=dataclasses.replace(requested.train,
                                                                             precision=saved.train.precision))
    family = FAMILIES.get(requested.family) if requested.family in FAMILIES else None
    if family is not None and requested.family == saved.family:
        requested = dataclasses.replace(requested, model=family.fit_to_data(requested.model, dataset, "this model"))
    if (difference := config_difference(saved, requested)) is not None:
        raise GanforgeError(f"--resume: {run_dir} was trained with {difference}; resume it with its own config "
                            f"(`ganforge train {saved.preset or 'CONFIG.toml'} --resume --out {run_dir}`) or train "
                            "the new one into another --out")
