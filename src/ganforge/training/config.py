"""The run config: which family, data, networks, losses and schedule; presets; TOML files."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ganforge.config import config_from_dict, config_to_dict, load_toml
from ganforge.data import PreprocessConfig
from ganforge.errors import GanforgeError
from ganforge.models import FAMILIES
from ganforge.objectives import OBJECTIVES
from ganforge.registry import Registry, did_you_mean
from ganforge.training.precision import PRECISIONS


@dataclass(frozen=True)
class TrainConfig:
    """The schedule and optimiser of a run."""

    steps: int = 2000  # training steps; each runs every phase that is due once
    batch_size: int = 64  # images per step, summed over all processes
    lr_generator: float = 2e-4  # Adam learning rate of the generator(s)
    lr_discriminator: float = 2e-4  # Adam learning rate of the discriminator(s)
    beta1: float = 0.5  # Adam beta1; 0.5 as in DCGAN, the usual 0.9 makes GANs oscillate
    beta2: float = 0.999  # Adam beta2
    ema_decay: float = 0.999  # moving average of the generator's weights; 0 turns it off
    sample_every: int = 250  # steps between sample grids from fixed noise; 0: only at the end
    checkpoint_every: int = 500  # steps between checkpoints; 0: only at the end
    log_every: int = 50  # steps between lines in metrics.jsonl and TensorBoard
    keep_checkpoints: int = 2  # newest checkpoints kept on disk; older ones are deleted
    seed: int = 0  # seeds weights, noise and the data order
    channels_last: bool = True  # NHWC memory format for conv networks and batches: faster convolutions (bench/speed/train_speed.py)
    eval_every: int = 0  # steps between evaluations against held-out real images; 0: none
    eval_metric: str = "fid"  # the metric logged and used to keep checkpoints/best (see `ganforge evaluate --help`)
    eval_features: str = ""  # feature network; "": the data's domain network (digits, fashion), else inception
    eval_num: int = 1000  # generated images per evaluation
    lr_decay_start: float = 1.0  # fraction of steps after which learning rates fall linearly to 0; 1: constant
    init_generator: str = ""  # a checkpoint of the same model whose generator starts this run (SRGAN from SRResNet)
    # auto: bf16 where the hardware has it natively and the family is measured in it, else fp32 (training/precision.py);
    # fp32; bf16 (autocast; CPU or GPU); fp16 (autocast + gradient scaler; GPU only)
    precision: str = "auto"
    compile: bool = False  # torch.compile the networks for the training step (minutes of compiling first)

    def __post_init__(self):
        if self.steps < 1 or self.batch_size < 1 or self.keep_checkpoints < 1 or self.log_every < 1:
            raise ValueError("steps, batch_size, log_every and keep_checkpoints must be >= 1")
        if self.eval_every < 0 or self.eval_num < 2 or self.sample_every < 0 or self.checkpoint_every < 0:
            raise ValueError("eval_every, sample_every and checkpoint_every must be >= 0 and eval_num >= 2")
        if not 0 <= self.seed < 2**32:
            raise ValueError(f"seed must be from 0 to {2**32 - 1}")
        if self.lr_generator <= 0 or self.lr_discriminator <= 0 or not (0 <= self.beta1 < 1 and 0 <= self.beta2 < 1):
            raise ValueError("learning rates must be > 0 and beta1, beta2 in [0, 1)")
        if not 0 <= self.ema_decay < 1:
            raise ValueError("ema_decay must be in [0, 1)")
        if not 0 <= self.lr_decay_start <= 1:
            raise ValueError("lr_decay_start must be in [0, 1]")
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}")


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines a training run, saved in every checkpoint."""

    family: str  # model family, a key of ganforge.models.FAMILIES
    data: str  # dataset name or folder
    model: Any  # the family's config dataclass
    objective: Any  # the family objective's config dataclass
    train: TrainConfig = TrainConfig()
    preset: str = ""  # the preset the run started from; "" when built from scratch
    preprocess: PreprocessConfig = field(default_factory=PreprocessConfig)  # crops, flips, derived inputs of translation data
    # "section.key" (or "data") set on the command line when the run started (--data, --seed, --set...):
    # a resume with the same preset or TOML is compared with the saved config on every other key
    changed: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON/TOML-ready form; `run_config_from_dict` reads it back."""
        return {
            "preset": self.preset,
            "family": self.family,
            "data": self.data,
            "model": config_to_dict(self.model),
            "objective": config_to_dict(self.objective),
            "train": config_to_dict(self.train),
            "preprocess": config_to_dict(self.preprocess),
            "changed": list(self.changed),
        }


@dataclass(frozen=True)
class Preset:
    """A named starting point: `ganforge train mnist-cgan`."""

    description: str
    run: RunConfig


PRESETS: Registry[Preset] = Registry("preset")
_SECTIONS = ("model", "objective", "train", "preprocess")


def run_config_from_dict(data: dict[str, Any], where: str) -> RunConfig:
    """A RunConfig from a dict shaped like `RunConfig.to_dict()`; a `preset` key supplies defaults."""
    known = {"preset", "family", "data", "changed", *_SECTIONS}
    for key in data:
        if key not in known:
            raise GanforgeError(f"unknown key '{key}' in {where}{did_you_mean(key, sorted(known))}; valid keys: {', '.join(sorted(known))}")
    for key in ("preset", "family", "data"):
        if not isinstance(data.get(key, ""), str):
            raise GanforgeError(f"'{key}' in {where} must be a name (a string), got {data[key]!r}")
    base = PRESETS.get(data["preset"]).run if data.get("preset") else None
    family_name = data.get("family") or (base.family if base else "")
    if not family_name:
        raise GanforgeError(f"{where} names neither a preset nor a family; add preset = \"mnist-gan\" or family = \"dcgan\"")
    family = FAMILIES.get(family_name)
    objective = OBJECTIVES.get(family_name)
    sections = {}
    classes = {"model": family.config_class, "objective": objective.config_class, "train": TrainConfig,
               "preprocess": PreprocessConfig}
    for section, cls in classes.items():
        values = data.get(section, {})
        if not isinstance(values, dict):
            raise GanforgeError(f"'{section}' in {where} must be a table, like [{section}]")
        defaults = config_to_dict(getattr(base, section)) if base and base.family == family_name else {}
        sections[section] = config_from_dict(cls, {**defaults, **values}, f"[{section}] of {where}")
    changed = data.get("changed", [])
    if not isinstance(changed, list) or not all(isinstance(key, str) for key in changed):
        raise GanforgeError(f"'changed' in {where} must be a list of names")
    return RunConfig(
        family=family_name,
        data=data.get("data", base.data if base else ""),
        preset=data.get("preset", ""),
        changed=tuple(changed),
        **sections,
    )


def load_run_config(preset_or_path: str) -> RunConfig:
    """A preset by name, or a TOML file (which may start from a preset and override keys)."""
    if preset_or_path.endswith(".toml") or Path(preset_or_path).is_file():
        return run_config_from_dict(load_toml(preset_or_path), preset_or_path)
    return PRESETS.get(preset_or_path).run


# may change on resume: the length, the evaluation (which never alters training), the starting weights (used once)
RESUMABLE_TRAIN_KEYS = ("steps", "eval_every", "eval_metric", "eval_features", "eval_num", "init_generator")


def changed_keys(base: RunConfig, run: RunConfig) -> tuple[str, ...]:
    """The "section.key" names (and "data") whose value in `run` differs from `base`."""
    old, new = base.to_dict(), run.to_dict()
    keys = ["data"] if old["data"] != new["data"] else []
    return tuple(keys + [f"{section}.{key}" for section in _SECTIONS for key, value in new[section].items()
                         if old[section].get(key) != value])


def config_difference(saved: RunConfig, requested: RunConfig) -> str | None:
    """The first setting in which `requested` differs from the run `saved` was trained with, said in
    words; None when a resume may go on (the steps and evaluation settings may differ, what the
    command line changed when the run started is the run's own, and the data is checked separately)."""
    if saved.family != requested.family:
        return f"family {saved.family!r}, not {requested.family!r}"
    old, new = saved.to_dict(), requested.to_dict()
    for section in _SECTIONS:
        for key, value in old[section].items():
            if (section == "train" and key in RESUMABLE_TRAIN_KEYS or f"{section}.{key}" in saved.changed
                    or new[section].get(key) == value):
                continue
            return f"[{section}] {key} = {value!r}, not {new[section].get(key)!r}"
    return None


def parse_override(text: str) -> tuple[str, str | None, Any]:
    """`section.key=value` (or `data=value`) -> (section, key, value); the value is read as a TOML value
    (2, 1e-3, true, [64, 32], "x") and, failing that, taken as a plain string (augment=ada)."""
    path, equals, raw = text.partition("=")
    parts = path.strip().split(".")
    if not equals or not raw.strip() or not (parts == ["data"] or (len(parts) == 2 and parts[0] in _SECTIONS and parts[1])):
        raise GanforgeError(f"--set {text!r}: write SECTION.KEY=VALUE with SECTION one of {', '.join(_SECTIONS)} "
                            "(or data=NAME), e.g. --set objective.r1_gamma=2")
    try:
        value = tomllib.loads(f"value = {raw.strip()}")["value"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return parts[0], parts[1] if len(parts) == 2 else None, value


def with_changes(run: RunConfig, *, data: str | None = None, overrides: Sequence[str] = (),
                 **train_changes: Any) -> RunConfig:
    """A copy of `run` with another dataset, train settings (None values are ignored) and `--set`
    overrides (parse_override), checked exactly as the same values in a TOML file would be."""
    values = run.to_dict()
    values["data"] = data or run.data
    values["train"].update({key: value for key, value in train_changes.items() if value is not None})
    for text in overrides:
        section, key, value = parse_override(text)
        if key is None:
            values["data"] = value
        else:
            values[section][key] = value
    return run_config_from_dict(values, "the command line")

