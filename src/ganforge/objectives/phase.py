"""A phase: one optimiser update inside a training step, and the context a step hands its phases."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from torch import Tensor, nn


def _single_process_sum(tensor: Tensor) -> Tensor:
    return tensor


@dataclass
class StepContext:
    """What the trainer hands every phase of one step. Phases of the same step share it, so a value
    one phase leaves in `kept` (the D phase's fakes, with their graph) is there for a later one."""

    step: int
    networks: Mapping[str, nn.Module]  # every network by role; those the phase trains or keeps have gradients
    batch: tuple  # this process's batch, as the family's data gives it: (images, labels), (A, B)...
    kept: dict[str, Any] = field(default_factory=dict)
    # sum of a tensor over the processes of a data-parallel run (the identity for one process), for
    # statistics that steer training (ADA's r_t, the path-length average): all replicas must agree
    all_reduce: Callable[[Tensor], Tensor] = _single_process_sum
    world_size: int = 1


@dataclass(frozen=True)
class Phase:
    """One part of a training step, e.g. the discriminator update."""

    name: str  # short label used in logs: "D", "G", "D_r1"
    trains: tuple[str, ...]  # network roles whose parameters this phase updates
    optimizer: str  # which optimiser steps: "generator" or "discriminator"
    # the phase's loss: the scalar to minimise and detached statistics to log (a method of the objective)
    loss: Callable[[StepContext], tuple[Tensor, dict[str, Tensor]]]
    interval: int = 1  # run at steps where step % interval == 0; >1 makes a lazy regulariser
    # roles this phase runs with gradients although it does not update them: their graph is kept
    # for a later phase of the same step (the D phase's fakes reused by the G phase)
    keeps: tuple[str, ...] = ()
    start: int = 0  # the first step it runs at (staged training: f-AnoGAN's encoder after its GAN)
    stop: int | None = None  # the step it stops before; None: to the end

    def due(self, step: int) -> bool:
        """Whether the phase runs at `step`."""
        return step % self.interval == 0 and self.start <= step and (self.stop is None or step < self.stop)


class StatelessObjective:
    """Base of objectives that carry nothing from one step to the next: their checkpointed state is empty.
    (Stateful ones, such as CycleGAN's image pools or StyleGAN2's path-length average, define both methods.)"""

    def state_dict(self) -> dict[str, Tensor]:
        """Nothing to save."""
        return {}

    def load_state_dict(self, state: Mapping[str, Tensor], device=None) -> None:
        """Nothing to restore."""


@dataclass(frozen=True)
class OptimizerGroup:
    """One optimiser of an objective: the networks it updates and which learning rate of [train] it takes."""

    roles: tuple[str, ...]
    side: str  # "generator" (train.lr_generator) or "discriminator" (train.lr_discriminator)
    # Adam as StyleGAN2's lazy regularisation wants it when a regulariser of this group runs every k-th
    # step: lr x k / (k + 1) and betas ** (k / (k + 1)) (NVlabs' mb_ratio); 1 leaves Adam as configured
    ratio: float = 1.0

    def __post_init__(self):
        if self.side not in ("generator", "discriminator"):
            raise ValueError(f"side must be 'generator' or 'discriminator', not {self.side!r}")
        if not 0 < self.ratio <= 1:
            raise ValueError("ratio must be in (0, 1]")


def adversarial_groups(generators: tuple[str, ...] = ("generator",),
                       discriminators: tuple[str, ...] = ("discriminator",)) -> dict[str, OptimizerGroup]:
    """The usual two optimisers: "generator" over `generators`, "discriminator" over `discriminators`."""
    return {"generator": OptimizerGroup(generators, "generator"),
            "discriminator": OptimizerGroup(discriminators, "discriminator")}
