"""WGAN-GP with several critic updates per generator update (Gulrajani et al. 2017: 5 for images, 10 for
their language model), for the unconditional families that train this way (textgan, musegan). It is the
GAN step of the dcgan family (objectives.gan) with the Wasserstein loss and its gradient penalty, fresh
fakes for the generator, and the G phase due every `critic_steps`-th step, so one trainer step is one
critic update. Words are unconditional; piano rolls may be conditioned on their mode."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ganforge.objectives.gan import GANObjective, GANObjectiveConfig
from ganforge.objectives.spec import ObjectiveSpec


@dataclass(frozen=True)
class WGANObjectiveConfig:
    """Losses of the WGAN-GP step."""

    critic_steps: int = 5  # critic updates per generator update (n_critic; the paper's language model used 10)
    gradient_penalty_weight: float = 10.0

    def __post_init__(self):
        if self.critic_steps < 1 or self.gradient_penalty_weight < 0:
            raise ValueError("critic_steps must be >= 1 and gradient_penalty_weight >= 0")


class WGANObjective(GANObjective):
    """Phases D (every step) and G (every critic_steps-th step); unconditional."""

    conditional = False  # True: labels from the model config's num_classes (the musegan family's modes)

    def __init__(self, config: WGANObjectiveConfig, model_config: Any):
        super().__init__(GANObjectiveConfig(loss="wgan-gp", gradient_penalty_weight=config.gradient_penalty_weight,
                                            reuse_fakes=False), model_config if self.conditional else _Unconditional())
        self.phases = tuple(dataclasses.replace(phase, interval=config.critic_steps) if phase.name == "G" else phase
                            for phase in self.phases)


class LabelledWGANObjective(WGANObjective):
    """The same step, conditioned as the model config says (num_classes 0: unconditional)."""

    conditional = True


class _Unconditional:
    """What GANObjective reads of a model config: no classes, no class head."""

    num_classes = 0
    auxiliary_classifier = False

# what this module registers in ganforge.objectives.OBJECTIVES: the WGAN-GP step with a critic schedule, for words
# and for piano rolls
DECLARED_OBJECTIVES = {
    "textgan": ObjectiveSpec(WGANObjectiveConfig, WGANObjective),
    "musegan": ObjectiveSpec(WGANObjectiveConfig, LabelledWGANObjective),
}
