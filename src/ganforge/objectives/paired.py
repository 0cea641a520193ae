"""The step of paired image-to-image families (pix2pix, SRGAN): a discriminator update, then the
generator's reconstruction + adversarial update.

D phase: real targets scored real, G(inputs) scored fake; a conditional discriminator (pix2pix)
         judges (input, output) pairs, an unconditional one (SRGAN) the output alone.
G phase: reconstruction_weight * distance(G(inputs), targets)
         + content_weight * feature distance (SRGAN's content loss, ganforge.objectives.perceptual)
         + classes_weight * rebalanced cross-entropy over a*b* cells (Zhang et al.'s colourisation loss,
           ganforge.losses.chroma; for a generator with output = "chroma-classes")
         + adversarial_weight * adversarial.
The cross-entropy's class rebalancing needs how often each a*b* cell occurs in the targets: the
objective counts the cells of every training batch (summed over data-parallel processes) and keeps
the counts in its checkpointed state, so a resumed run weighs exactly as an unbroken one.
With adversarial_weight = 0 no discriminator trains: the same network learns from the
reconstruction loss alone (pix2pix's L1 baseline; SRResNet, SRGAN's PSNR-oriented first stage).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ganforge.errors import GanforgeError
from ganforge.losses import ADVERSARIAL_LOSSES
from ganforge.losses.chroma import REBALANCE, rebalancing_weights, soft_cross_entropy, soft_targets
from ganforge.models.pix2pix import chroma_from_scores
from ganforge.objectives.perceptual import ContentLoss
from ganforge.objectives.phase import Phase, StatelessObjective, StepContext, adversarial_groups
from ganforge.objectives.spec import ObjectiveSpec
from ganforge.utils.colour import CHROMA_SCALE, chroma_bin_centres

RECONSTRUCTION = {"l1": F.l1_loss, "mse": F.mse_loss}


@dataclass(frozen=True)
class Pix2PixObjectiveConfig:
    """Losses of the pix2pix step (defaults: the paper's)."""

    loss: str = "non-saturating"  # adversarial loss; the paper's is the original (non-saturating) GAN loss
    l1_weight: float = 100.0  # lambda of |G(a) - b|_1
    adversarial_weight: float = 1.0  # 0: the L1-only baseline (no discriminator, no D phase)
    classes_weight: float = 0.0  # Zhang et al.'s rebalanced cross-entropy on a*b* cells (chroma-classes models)
    rebalance: float = REBALANCE  # its lambda: 1 = no rebalancing, lower = rare (saturated) colours weigh more

    reconstruction = "l1"
    conditional = True  # the discriminator sees the input beside the output
    content = ""  # no feature-space loss

    def __post_init__(self):
        ADVERSARIAL_LOSSES.get(self.loss)
        if self.l1_weight < 0 or self.adversarial_weight < 0 or self.classes_weight < 0:
            raise ValueError("l1_weight, adversarial_weight and classes_weight must be >= 0")
        if not 0 < self.rebalance <= 1:
            raise ValueError(f"rebalance must be in (0, 1] (Zhang et al.'s 0.5; 1 = no rebalancing), not {self.rebalance}")

    @property
    def reconstruction_weight(self) -> float:
        """Weight of the reconstruction term."""
        return self.l1_weight


@dataclass(frozen=True)
class SRGANObjectiveConfig:
    """Losses of the SRGAN step (defaults: the paper's adversarial weight; pixel MSE kept beside the
    content loss, as BasicSR's SRGAN/ESRGAN recipes do, because training budgets here are short)."""

    loss: str = "non-saturating"  # adversarial loss
    pixel_weight: float = 1.0  # weight of MSE(G(lr), hr)
    adversarial_weight: float = 1e-3  # the paper's; 0: SRResNet pretraining (no discriminator, no D phase)
    content: str = ""  # feature-space content loss: "" none, "inception" (offline), "vgg19" (the paper's)
    content_layer: str = ""  # feature layer ("" = conv_4 for inception, relu5_4 for vgg19)
    content_weights: str = ""  # vgg19 only: path of the ImageNet VGG19 state dict (.pth or .safetensors)
    content_weight: float = 0.01  # weight of the feature MSE (Inception conv_4 feature MSEs run ~100x pixel MSEs)

    reconstruction = "mse"
    conditional = False  # the discriminator judges the high-resolution image alone
    classes_weight = 0.0  # no colour classes

    def __post_init__(self):
        ADVERSARIAL_LOSSES.get(self.loss)
        if self.pixel_weight < 0 or self.adversarial_weight < 0 or self.content_weight < 0:
            raise ValueError("pixel_weight, adversarial_weight and content_weight must be >= 0")
        if self.content not in ("", "inception", "vgg19"):
            raise ValueError(f"content must be \"\", \"inception\" or \"vgg19\", not {self.content!r}")

    @property
    def reconstruction_weight(self) -> float:
        """Weight of the reconstruction term."""
        return self.pixel_weight


class PairedObjective(StatelessObjective):
    """Phases D (when adversarial) and G; G reuses the D phase's outputs and their graph."""

    def __init__(self, config: Pix2PixObjectiveConfig | SRGANObjectiveConfig, model_config: Any):
        self.config = config
        self.cell_counts: Tensor | None = None  # a*b* cell counts of the targets seen (classes_weight > 0)
        if config.classes_weight:
            if getattr(model_config, "output", "image") != "chroma-classes":
                raise GanforgeError("objective.classes_weight trains a colour-class generator: set "
                                    "model.output = \"chroma-classes\" too (or classes_weight = 0)")
            # the generator's own cells and temperature (models.pix2pix.ChromaClassGenerator builds them alike)
            self.centres = torch.from_numpy(chroma_bin_centres())  # (Q, 2) in a*b* units
            self.temperature = model_config.temperature
            self.cell_counts = torch.zeros(len(self.centres), dtype=torch.float64)
        self.adversarial = ADVERSARIAL_LOSSES.get(config.loss)
        self.distance = RECONSTRUCTION[config.reconstruction]
        self.optimizers = adversarial_groups()
        generator = Phase("G", ("generator",), "generator", self.generator_loss)
        if config.adversarial_weight:
            # the D phase runs G with gradients and keeps its graph for the G phase: one G forward per step
            self.phases = (Phase("D", ("discriminator",), "discriminator", self.discriminator_loss,
                                 keeps=("generator",)), generator)
        else:
            self.phases = (generator,)
        self.content = (ContentLoss(config.content, config.content_layer, config.content_weights)
                        if config.content else None)

    def state_dict(self) -> dict[str, Tensor]:
        """The a*b* cell counts of a colour-class run; nothing otherwise."""
        return {} if self.cell_counts is None else {"cell_counts": self.cell_counts.clone()}

    def load_state_dict(self, state, device=None) -> None:
        """Restore the cell counts."""
        if self.cell_counts is not None and "cell_counts" in state:
            self.cell_counts = state["cell_counts"].detach().double().cpu().clone()

    def _generate(self, context: StepContext, inputs: Tensor) -> tuple[Tensor, Tensor | None]:
        """G(inputs), and for a colour-class generator the cell scores it came from."""
        generator = context.networks["generator"]
        if self.cell_counts is None:
            return generator(inputs), None
        logits = generator(inputs, logits=True)
        centres = self.centres.to(logits.device) / CHROMA_SCALE
        return chroma_from_scores(logits, centres, self.temperature, inputs.shape[-2:]), logits

    def _classes_loss(self, context: StepContext, logits: Tensor, targets: Tensor) -> Tensor:
        """The rebalanced cross-entropy at the scores' resolution (targets averaged down to it); counts this
        batch's target cells first."""
        chroma = F.adaptive_avg_pool2d(targets.detach(), logits.shape[-2:]) * CHROMA_SCALE
        cells, weights = soft_targets(chroma, self.centres.to(chroma))
        counts = torch.bincount(cells[:, 0], minlength=len(self.centres)).double()  # the nearest cell of each pixel
        self.cell_counts = self.cell_counts + context.all_reduce(counts).cpu()
        cell_weights = rebalancing_weights(self.cell_counts, self.centres, self.config.rebalance).to(targets.device)
        return soft_cross_entropy(logits, cells, weights, cell_weights)

    def _judge(self, discriminator: nn.Module, inputs: Tensor, outputs: Tensor) -> Tensor:
        return discriminator(inputs, outputs) if self.config.conditional else discriminator(outputs)

    def discriminator_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """D: true targets scored real, G(inputs) scored fake; G's outputs are kept for the G phase."""
        inputs, targets = context.batch
        discriminator = context.networks["discriminator"]
        outputs, logits = self._generate(context, inputs)
        context.kept["outputs"], context.kept["logits"] = outputs, logits
        real = self._judge(discriminator, inputs, targets)
        fake = self._judge(discriminator, inputs, outputs.detach())
        loss = self.adversarial.discriminator(real, fake)
        return loss, {"loss_D": loss.detach(), "D_real": real.detach().mean(), "D_fake": fake.detach().mean()}

    def generator_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """G: reconstruction (+ content) (+ adversarial) of G(inputs) against the targets."""
        inputs, targets = context.batch
        outputs, logits = context.kept.pop("outputs", None), context.kept.pop("logits", None)
        if outputs is None:
            outputs, logits = self._generate(context, inputs)
        distance = self.distance(outputs, targets)
        loss = self.config.reconstruction_weight * distance
        stats = {self.config.reconstruction: distance.detach()}
        if logits is not None:
            classes = self._classes_loss(context, logits, targets)
            loss = loss + self.config.classes_weight * classes
            stats["classes"] = classes.detach()
        if self.content is not None:
            content = self.content.to(outputs.device)(outputs, targets)
            loss = loss + self.config.content_weight * content
            stats["content"] = content.detach()
        if self.config.adversarial_weight:
            adversarial = self.adversarial.generator(self._judge(context.networks["discriminator"], inputs, outputs))
            loss = loss + self.config.adversarial_weight * adversarial
            stats["loss_G"] = adversarial.detach()
        return loss, stats

# what this module registers in ganforge.objectives.OBJECTIVES: one paired step for pix2pix and SRGAN
DECLARED_OBJECTIVES = {
    "pix2pix": ObjectiveSpec(Pix2PixObjectiveConfig, PairedObjective),
    "srgan": ObjectiveSpec(SRGANObjectiveConfig, PairedObjective),
}
