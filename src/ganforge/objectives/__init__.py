"""Objectives: for each model family, the phases of one training step and the losses they minimise.

The trainer knows nothing about GANs beyond this: it walks `objective.phases`, and for each phase
due at this step asks `phase.loss(context)` for a scalar, back-propagates it into the networks the
phase trains, averages their gradients over the processes of a data-parallel run, and steps that
phase's optimiser. The StepContext carries the networks, the batch and what one phase keeps for a
later one of the same step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from torch import Tensor

from ganforge.objectives.phase import OptimizerGroup, Phase, StatelessObjective, StepContext, adversarial_groups
from ganforge.registry import Registry


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


OBJECTIVES: Registry[ObjectiveSpec] = Registry("objective")

from ganforge.objectives import anomaly, cyclegan, gan, mocogan, paired, stylegan2, wgan

OBJECTIVES.register("dcgan", ObjectiveSpec(gan.GANObjectiveConfig, gan.GANObjective))
OBJECTIVES.register("cyclegan", ObjectiveSpec(cyclegan.CycleGANObjectiveConfig, cyclegan.CycleGANObjective))
OBJECTIVES.register("pix2pix", ObjectiveSpec(paired.Pix2PixObjectiveConfig, paired.PairedObjective))
OBJECTIVES.register("srgan", ObjectiveSpec(paired.SRGANObjectiveConfig, paired.PairedObjective))
OBJECTIVES.register("ganomaly", ObjectiveSpec(anomaly.GANomalyObjectiveConfig, anomaly.GANomalyObjective))
OBJECTIVES.register("autoencoder", ObjectiveSpec(anomaly.AutoencoderObjectiveConfig, anomaly.AutoencoderObjective))
OBJECTIVES.register("deep-svdd", ObjectiveSpec(anomaly.DeepSVDDObjectiveConfig, anomaly.DeepSVDDObjective))
OBJECTIVES.register("fanogan", ObjectiveSpec(anomaly.FAnoGANObjectiveConfig, anomaly.FAnoGANObjective))
OBJECTIVES.register("stylegan2", ObjectiveSpec(stylegan2.StyleGAN2ObjectiveConfig, stylegan2.StyleGAN2Objective))
# WaveGAN's step is the GAN step of the dcgan family (D then G, one adversarial loss, WGAN-GP in its preset):
# the objective is shape-agnostic, so the 1-D family reuses it rather than copying it
OBJECTIVES.register("wavegan", ObjectiveSpec(gan.GANObjectiveConfig, gan.GANObjective))
OBJECTIVES.register("textgan", ObjectiveSpec(wgan.WGANObjectiveConfig, wgan.WGANObjective))
OBJECTIVES.register("musegan", ObjectiveSpec(wgan.WGANObjectiveConfig, wgan.WGANObjective))
OBJECTIVES.register("mocogan", ObjectiveSpec(mocogan.MoCoGANObjectiveConfig, mocogan.MoCoGANObjective))

__all__ = ["OBJECTIVES", "Objective", "ObjectiveSpec", "OptimizerGroup", "Phase", "StatelessObjective", "StepContext",
           "adversarial_groups"]
