"""Model families: pure nn.Modules plus one config dataclass each, registered by name."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from ganforge.models import anomaly, cyclegan, dcgan, mocogan, musegan, pix2pix, srgan, stylegan2, textgan, wavegan
from ganforge.models.fitting import TranslationShape, fit_noise_model, fit_two_domains, two_domain_shape
from ganforge.models.sampling import noise_preview
from ganforge.registry import Registry

STYLE, CYCLE = "style", "cycle"
CAPABILITIES = frozenset({STYLE, CYCLE})
# the tasks a family can declare (what each does and which command does it: models/tasks.py)
TASKS = ("generate", "translate", "colourise", "complete", "upscale", "detect", "speak", "write", "compose", "animate")


@dataclass(frozen=True)
class Family:
    """What the rest of ganforge needs to know about one GAN family: the family contract. With its
    objective (ganforge.objectives: phases and optimiser groups), this is all the trainer, the
    evaluation and the apps use, so a new family is a model file and an objective file, registered
    here and in OBJECTIVES, and nothing in training/ or apps/ changes."""

    name: str
    config_class: type  # the frozen dataclass describing the networks
    build: Callable[[Any], dict[str, nn.Module]]  # config -> every network of the family, by role
    # (config, training data, the run's name for messages) -> the config adapted to the data (channels,
    # classes, scale); a GanforgeError when the data cannot fit
    fit_to_data: Callable[[Any, Any, str], Any]
    # config -> how many classes the generator is conditioned on (0: none); noise families only
    num_classes: Callable[[Any], int] = lambda config: 0
    generator_role: str = "generator"  # the network the trainer averages (EMA) and noise apps sample from
    # what its models are for (ganforge.models.tasks.TASK_NAMES): generate, translate, upscale, detect, speak, write,
    # compose, animate; a translation run may refine it by its data (colourise, complete: models/tasks.task_of)
    task: str = "generate"
    # what it learns from: "images" (noise -> image), "audio" (noise -> waveform), "text" (noise -> words),
    # "music" (noise -> multi-track piano rolls), "video" (noise -> clips), "unpaired" or "paired" (A -> B)
    data_kind: str = "images"
    # (networks by role, a fixed real batch, a seeded RNG) -> (images for the sample grid, images per row)
    preview: Callable[[dict[str, nn.Module], tuple, torch.Generator], tuple[torch.Tensor, int]] = noise_preview
    directions: Mapping[str, str] = field(default_factory=dict)  # translation families: "AtoB" -> generator role
    # config -> example inputs of each network, for `ganforge info`; None: the generator takes noise
    example_inputs: Callable[[Any], dict[str, tuple[torch.Tensor, ...]]] | None = None
    # translation families: (config, direction) -> what that direction's generator takes and gives
    translation_shape: Callable[[Any, str], TranslationShape] | None = None
    # anomaly detectors: (networks by role, images (B, C, H, W) in [-1, 1]) -> scores (B,), higher = more
    # anomalous; the roles it reads are `scoring_roles`
    anomaly_score: Callable[[Mapping[str, nn.Module], torch.Tensor], torch.Tensor] | None = None
    scoring_roles: tuple[str, ...] = ("generator",)
    # whether train.precision "auto" may pick bf16 on hardware that has it natively: True only once the
    # family's preset was measured to reach the same quality at the same step in bf16 (docs/training.md)
    auto_bf16: bool = False
    # noise-to-image and one-class families: config -> the side of the square images it makes or scores, so
    # that training data of another size is resized to it (text: the word length it writes, so that words are
    # read at it); None: the data decides (translation, audio)
    image_side: Callable[[Any], int] | None = None
    # what its generator can do beyond its task, declared rather than probed (hasattr): STYLE (mapping to w,
    # truncation, mixing, w walks and w / w+ inversion), CYCLE (two translation directions, each the other's
    # inverse, scored both ways)
    capabilities: frozenset[str] = frozenset()

    def __post_init__(self):
        if self.task not in TASKS:
            raise ValueError(f"family {self.name}: unknown task {self.task!r}; known: {', '.join(TASKS)}")

    def can(self, capability: str) -> bool:
        """Whether the family declares `capability` (one of CAPABILITIES)."""
        if capability not in CAPABILITIES:
            raise ValueError(f"unknown capability {capability!r}; known: {', '.join(sorted(CAPABILITIES))}")
        return capability in self.capabilities

    @property
    def translates(self) -> bool:
        """Whether the family maps images to images (instead of noise to images)."""
        return bool(self.directions)

    @property
    def detects_anomalies(self) -> bool:
        """Whether the family scores images instead of making them."""
        return self.anomaly_score is not None

    @property
    def draws_from_noise(self) -> bool:
        """Whether the generator turns noise into images (sampling, FID, EMA statistics apply)."""
        return not self.translates and not self.detects_anomalies

    @property
    def previews_real_images(self) -> bool:
        """Whether the sample grid starts from fixed real images (translation, anomaly detection)."""
        return not self.draws_from_noise


FAMILIES: Registry[Family] = Registry("model family")
FAMILIES.register(
    "dcgan",
    Family(
        "dcgan",
        dcgan.DCGANConfig,
        lambda config: {"generator": dcgan.Generator(config), "discriminator": dcgan.Discriminator(config)},
        lambda config, data, name: fit_noise_model(config, data, name, conditional=True),
        num_classes=lambda config: config.num_classes,
        preview=lambda networks, real, rng: noise_preview(networks, real, rng,
                                                          num_classes=networks["generator"].config.num_classes),
        image_side=lambda config: config.image_size,
        auto_bf16=True,  # mnist-cgan reaches every quality target at the same step in bf16 (docs/training.md)
    ),
)
FAMILIES.register(
    "cyclegan",
    Family("cyclegan", cyclegan.CycleGANConfig, cyclegan.build, fit_two_domains, generator_role="generator_ab",
           task="translate", data_kind="unpaired", preview=cyclegan.preview, directions={"AtoB": "generator_ab", "BtoA": "generator_ba"},
           example_inputs=cyclegan.example_inputs, translation_shape=two_domain_shape, capabilities=frozenset({CYCLE})),
)
FAMILIES.register(
    "pix2pix",
    Family("pix2pix", pix2pix.Pix2PixConfig, pix2pix.build, fit_two_domains, task="translate", data_kind="paired",
           preview=pix2pix.preview, directions={"AtoB": "generator"}, example_inputs=pix2pix.example_inputs,
           translation_shape=lambda config, direction: dataclasses.replace(two_domain_shape(config, direction),
                                                                           output=config.output)),
)
FAMILIES.register(
    "srgan",
    Family("srgan", srgan.SRGANConfig, srgan.build, srgan.fit_to_data, task="upscale", data_kind="paired", preview=srgan.preview,
           directions={"AtoB": "generator"}, example_inputs=srgan.example_inputs,
           translation_shape=srgan.translation_shape),
)
_ONE_NETWORK = (("generator",), anomaly.example_inputs)
for _name, _build, (_roles, _examples) in (
    ("ganomaly", anomaly.build_ganomaly, _ONE_NETWORK),
    ("autoencoder", anomaly.build_autoencoder, _ONE_NETWORK),
    ("deep-svdd", anomaly.build_deep_svdd, _ONE_NETWORK),
    ("fanogan", anomaly.build_fanogan, (("generator", "encoder", "discriminator"), anomaly.fanogan_example_inputs)),
):
    FAMILIES.register(_name, Family(
        _name, anomaly.AnomalyConfig, _build,
        lambda config, data, name: fit_noise_model(config, data, name, conditional=False),
        task="detect", preview=anomaly.preview, anomaly_score=anomaly.score, example_inputs=_examples, scoring_roles=_roles,
        image_side=lambda config: config.image_size,
    ))
FAMILIES.register(
    "stylegan2",
    Family("stylegan2", stylegan2.StyleGAN2Config, stylegan2.build,
           lambda config, data, name: fit_noise_model(config, data, name, conditional=False),
           image_side=lambda config: config.resolution, capabilities=frozenset({STYLE})),
)
FAMILIES.register(
    "wavegan",
    Family("wavegan", wavegan.WaveGANConfig, wavegan.build, wavegan.fit_to_data,
           num_classes=lambda config: config.num_classes, task="speak", data_kind="audio", preview=wavegan.preview),
)
FAMILIES.register(
    "textgan",
    Family("textgan", textgan.TextGANConfig, textgan.build, textgan.fit_to_data, task="write", data_kind="text",
           preview=textgan.preview, example_inputs=textgan.example_inputs, image_side=lambda config: config.length),
)
FAMILIES.register(
    "musegan",
    Family("musegan", musegan.MuseGANConfig, musegan.build, musegan.fit_to_data, task="compose", data_kind="music",
           preview=musegan.preview),
)

FAMILIES.register(
    "mocogan",
    Family("mocogan", mocogan.MoCoGANConfig, mocogan.build, mocogan.fit_to_data, task="animate", data_kind="video",
           preview=mocogan.preview),
)

__all__ = ["CAPABILITIES", "CYCLE", "FAMILIES", "STYLE", "TASKS", "Family", "TranslationShape"]
