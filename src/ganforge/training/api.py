"""`train()`: the library call behind `ganforge train`."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import torch

from ganforge.data import load_training_data
from ganforge.errors import GanforgeError
from ganforge.models import FAMILIES
from ganforge.models.io import read_state
from ganforge.training.checkpoint import latest_checkpoint
from ganforge.training.config import load_run_config, run_config_from_dict, with_changes
from ganforge.training.distributed import init_distributed, shutdown
from ganforge.training.trainer import Trainer, TrainResult
from ganforge.utils.files import ensure_writable_dir
from ganforge.utils.seed import resolve_device


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
) -> TrainResult:
    """Train a preset or TOML config; with `resume`, continue the run in `out` from its latest checkpoint.

    A resumed run keeps the config saved in its checkpoint; only `steps` (a new total), `minutes`
    and the evaluation settings may change (evaluation never alters the training trajectory).
    """
    evaluation = {"eval_every": eval_every, "eval_metric": eval_metric}
    run_dir = Path(out) if out else Path("runs") / Path(preset_or_config).stem
    run = load_run_config(preset_or_config)
    if resume and (checkpoint := latest_checkpoint(run_dir)) is not None:
        saved = run_config_from_dict(read_state(checkpoint)["run"], f"the config saved in {checkpoint}")
        if data and data != saved.data:
            raise GanforgeError(f"--resume continues on {saved.data!r}, the run's own data; drop --data")
        if seed is not None or batch_size is not None or init_generator:
            raise GanforgeError("--resume keeps the run's own seed, batch size and starting weights; drop --seed, "
                                "--batch-size and --init-generator")
        run = with_changes(saved, steps=steps, **evaluation)
    else:
        run = with_changes(run, data=data, steps=steps, seed=seed, batch_size=batch_size,
                           init_generator=init_generator, **evaluation)
    if not run.data:
        raise GanforgeError(f"{run.preset or preset_or_config} has no default data; pass --data DATASET or a folder")
    if minutes is not None and steps is None and not resume:
        # a time budget alone: run until the clock says stop
        run = dataclasses.replace(run, train=dataclasses.replace(run.train, steps=10**9))
    torch_device = resolve_device(device)
    dist = init_distributed(torch_device)
    if dist.enabled and torch_device.type == "cuda":
        torch_device = torch.device("cuda", dist.local_rank)
        torch.cuda.set_device(torch_device)
    try:
        if dist.is_main:
            ensure_writable_dir(run_dir)
        kind = FAMILIES.get(run.family).data_kind
        dataset = load_training_data(kind, run.data, "train", preprocess=run.preprocess, download=download)
        trainer = Trainer(run, dataset, run_dir=run_dir, device=torch_device, dist=dist, resume=resume, progress=progress)
        return trainer.fit(minutes=minutes)
    finally:
        shutdown(dist)
