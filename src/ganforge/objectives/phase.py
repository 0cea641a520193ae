"""A phase: one optimiser update inside a training step."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Phase:
    """One part of a training step, e.g. the discriminator update."""

    name: str  # short label used in logs: "D", "G", "D_r1"
    trains: tuple[str, ...]  # network roles whose parameters this phase updates
    optimizer: str  # which optimiser steps: "generator" or "discriminator"
    interval: int = 1  # run at steps where step % interval == 0; >1 makes a lazy regulariser
    # roles this phase runs with gradients although it does not update them: their graph is kept
    # for a later phase of the same step (the D phase's fakes reused by the G phase)
    keeps: tuple[str, ...] = ()
