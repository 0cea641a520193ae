"""Objectives: for each model family, the phases of one training step and the losses they minimise.

The trainer knows nothing about GANs beyond this: it walks `objective.phases`, and for each phase
due at this step asks `phase.loss(context)` for a scalar, back-propagates it into the networks the
phase trains, averages their gradients over the processes of a data-parallel run, and steps that
phase's optimiser. The StepContext carries the networks, the batch and what one phase keeps for a
later one of the same step.
"""

from __future__ import annotations

from ganforge.objectives import anomaly, cyclegan, gan, mocogan, paired, stylegan2, wgan
from ganforge.objectives.phase import OptimizerGroup, Phase, StatelessObjective, StepContext, adversarial_groups
from ganforge.objectives.spec import Objective, ObjectiveSpec
from ganforge.registry import Registry

# the objective modules, each ending with DECLARED_OBJECTIVES (the families it trains -> how to build it)
OBJECTIVE_MODULES = (gan, cyclegan, paired, anomaly, stylegan2, wgan, mocogan)

OBJECTIVES: Registry[ObjectiveSpec] = Registry("objective")
for _module in OBJECTIVE_MODULES:
    for _family, _spec in _module.DECLARED_OBJECTIVES.items():
        OBJECTIVES.register(_family, _spec)

__all__ = ["OBJECTIVES", "OBJECTIVE_MODULES", "Objective", "ObjectiveSpec", "OptimizerGroup", "Phase",
           "StatelessObjective", "StepContext", "adversarial_groups"]
