"""The family contract: what one GAN family declares about itself (its networks, its task, its data and its
capabilities). Each family module (models/NAME.py) ends with its `FAMILIES` tuple of Family declarations;
models/__init__.py registers them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from ganforge.models.fitting import TranslationShape
from ganforge.models.sampling import noise_preview

STYLE, CYCLE = "style", "cycle"
CAPABILITIES = frozenset({STYLE, CYCLE})


@dataclass(frozen=True)
class TaskName:
    """A task's name, what its models do (for messages) and the command that does it."""

    name: str
    noun: str  # what its models are models of: "an image model", "a text model"
    does: str  # "draws images from noise"
    command: str  # "ganforge sample"


# the tasks a family can declare, each with what its models do and the command that does it (every refusal quotes
# them; models/tasks.py reads a checkpoint's task)
TASK_NAMES = {task.name: task for task in (
    TaskName("generate", "image", "draws images from noise", "ganforge sample"),
    TaskName("translate", "translation", "translates images from one domain to another", "ganforge translate"),
    TaskName("colourise", "colourisation", "colours black-and-white photos", "ganforge colourise"),
    TaskName("complete", "completion", "fills the masked part of a picture", "ganforge complete"),
    TaskName("upscale", "super-resolution", "upscales pictures", "ganforge upscale"),
    TaskName("detect", "anomaly-detection", "scores images instead of drawing them (anomaly detection)", "ganforge anomaly"),
    TaskName("speak", "speech", "speaks digits", "ganforge say"),
    TaskName("write", "text", "writes words", "ganforge write"),
    TaskName("compose", "music", "composes music", "ganforge compose"),
    TaskName("animate", "video", "makes video clips", "ganforge animate"),
)}
TASKS = tuple(TASK_NAMES)  # the tasks a family can declare


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
    # `[train] init_generator` from a checkpoint of ANOTHER family or [model]: (this run's generator, its config,
    # the source's family name, config and generator) -> fills what it can from the source, or raises a
    # GanforgeError saying why it cannot; None: only a checkpoint of the same family and [model] is taken
    init_generator: Callable[[nn.Module, Any, str, Any, nn.Module], None] | None = None

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


