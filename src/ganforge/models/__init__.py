"""Model families: pure nn.Modules plus one config dataclass each, registered by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from torch import nn

from ganforge.models import dcgan
from ganforge.registry import Registry


@dataclass(frozen=True)
class Family:
    """What the rest of ganforge needs to know about one GAN family."""

    name: str
    config_class: type  # the frozen dataclass describing the networks
    build: Callable[[Any], dict[str, nn.Module]]  # config -> every network of the family, by role
    generator_role: str = "generator"  # the network that apps sample from (and the trainer averages)


FAMILIES: Registry[Family] = Registry("model family")
FAMILIES.register(
    "dcgan",
    Family(
        "dcgan",
        dcgan.DCGANConfig,
        lambda config: {"generator": dcgan.Generator(config), "discriminator": dcgan.Discriminator(config)},
    ),
)

__all__ = ["FAMILIES", "Family"]
