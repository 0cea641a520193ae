"""The objective contract: what a family's objective gives the generic trainer, and how it is built. Each
objective module ends with its DECLARED_OBJECTIVES (family name -> ObjectiveSpec); objectives/__init__.py
registers them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from torch import Tensor

from ganforge.objectives.phase import OptimizerGroup, Phase


class Objective(Protocol):
    """What a family's objective provides to the generic trainer."""

    phases: tuple[Phase, ...]  # each with its loss(context) -> (scalar, detached statistics)
    optimizers: Mapping[str, OptimizerGroup]  # optimiser name -> the networks it updates and its learning rate

    def state_dict(self) -> dict[str, Tensor]:
        """What the objective carries between steps (CycleGAN's image pools...), saved in checkpoints;
        {} for most (StatelessObjective)."""
        ...

    def load_state_dict(self, state: Mapping[str, Tensor], device: Any = None) -> None:
        """Restore what state_dict() saved, for an exact resume."""
        ...


@dataclass(frozen=True)
class ObjectiveSpec:
    """How to build a family's objective from its config."""

    config_class: type
    build: Any  # (objective_config, model_config) -> Objective
