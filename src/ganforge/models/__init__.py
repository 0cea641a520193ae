"""Model families: pure nn.Modules plus one config dataclass each, registered by name."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from ganforge.models import cyclegan, dcgan, pix2pix, srgan, stylegan2
from ganforge.models.sampling import noise_preview
from ganforge.registry import Registry


@dataclass(frozen=True)
class Family:
    """What the rest of ganforge needs to know about one GAN family."""

    name: str
    config_class: type  # the frozen dataclass describing the networks
    build: Callable[[Any], dict[str, nn.Module]]  # config -> every network of the family, by role
    generator_role: str = "generator"  # the network the trainer averages (EMA) and noise apps sample from
    data_kind: str = "images"  # what it learns from: "images" (noise -> image), "unpaired" or "paired" (A -> B)
    # (networks by role, a fixed real batch, a seeded RNG) -> (images for the sample grid, images per row)
    preview: Callable[[dict[str, nn.Module], tuple, torch.Generator], tuple[torch.Tensor, int]] = noise_preview
    directions: Mapping[str, str] = field(default_factory=dict)  # translation families: "AtoB" -> generator role
    # config -> example inputs of each network, for `ganforge info`; None: the generator takes noise
    example_inputs: Callable[[Any], dict[str, tuple[torch.Tensor, ...]]] | None = None

    @property
    def translates(self) -> bool:
        """Whether the family maps images to images (instead of noise to images)."""
        return bool(self.directions)


FAMILIES: Registry[Family] = Registry("model family")
FAMILIES.register(
    "dcgan",
    Family(
        "dcgan",
        dcgan.DCGANConfig,
        lambda config: {"generator": dcgan.Generator(config), "discriminator": dcgan.Discriminator(config)},
    ),
)
FAMILIES.register(
    "cyclegan",
    Family("cyclegan", cyclegan.CycleGANConfig, cyclegan.build, generator_role="generator_ab", data_kind="unpaired",
           preview=cyclegan.preview, directions={"AtoB": "generator_ab", "BtoA": "generator_ba"},
           example_inputs=cyclegan.example_inputs),
)
FAMILIES.register(
    "pix2pix",
    Family("pix2pix", pix2pix.Pix2PixConfig, pix2pix.build, data_kind="paired", preview=pix2pix.preview,
           directions={"AtoB": "generator"}, example_inputs=pix2pix.example_inputs),
)
FAMILIES.register(
    "srgan",
    Family("srgan", srgan.SRGANConfig, srgan.build, data_kind="paired", preview=srgan.preview,
           directions={"AtoB": "generator"}, example_inputs=srgan.example_inputs),
)
FAMILIES.register("stylegan2", Family("stylegan2", stylegan2.StyleGAN2Config, stylegan2.build))

__all__ = ["FAMILIES", "Family"]
