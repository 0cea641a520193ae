"""Training: the generic trainer, run configs and presets, checkpoints, and `train()` for library users."""

from ganforge.training import presets  # noqa: F401 (registers every preset in PRESETS)
from ganforge.training.api import train
from ganforge.training.config import PRESETS, RunConfig, TrainConfig, load_run_config
from ganforge.training.trainer import Trainer, TrainResult

__all__ = ["PRESETS", "RunConfig", "TrainConfig", "TrainResult", "Trainer", "load_run_config", "train"]
