"""The convolutional GAN family: the lecture's classic MNIST GAN, Radford et al.'s DCGAN, and their
class-conditional versions. One config describes all three; presets pick the numbers.

Generator:      z (+ label embedding) -> [dense -> BN -> ReLU]* -> dense -> reshape to C0 x S x S -> BN -> ReLU
                -> [transposed conv stride 2 -> BN -> ReLU]* -> transposed conv stride 2 -> tanh
Discriminator:  image -> conv stride 2 -> LeakyReLU -> [conv stride 2 -> BN -> LeakyReLU]* -> flatten
                -> [dense -> LeakyReLU]* -> dense to one logit (+ projection of the label embedding)
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import torch
from torch import nn

from ganforge.models.family import Family
from ganforge.models.fitting import fit_noise_model
from ganforge.models.sampling import noise_preview
from ganforge.nn import Flatten, Unflatten2d, activation, conditional_readout, dcgan_init


@dataclass(frozen=True)
class DCGANConfig:
    """Networks of the dcgan family; the image size is base_size * 2 ** len(generator_channels)."""

    image_channels: int = 1  # 1 grayscale, 3 RGB
    latent_dim: int = 100  # size of the noise vector z
    latent_distribution: str = "normal"  # "normal": z ~ N(0, I); "uniform": z ~ U(-1, 1)
    num_classes: int = 0  # 0: unconditional; K: a label in 0..K-1 conditions both networks
    label_embed_dim: int = 32  # size of the label embedding concatenated to z (conditional only)
    # initial std of that embedding: DCGAN's 0.02 makes the label 50x weaker than z ~ N(0, 1) at the
    # start, so the generator learns to follow it slowly; 1.0 starts it on z's scale (PyTorch's default)
    label_embed_std: float = 0.02
    generator_hidden: tuple[int, ...] = ()  # extra dense layers (with BN) before the one that makes the feature map
    base_size: int = 7  # side of the first feature map
    generator_channels: tuple[int, ...] = (128, 64)  # channels at base_size, 2*base_size, ...
    generator_activation: str = "relu"  # "relu" or "leaky_relu"
    discriminator_channels: tuple[int, ...] = (64, 128)  # conv channels from the image down to base_size
    discriminator_hidden: tuple[int, ...] = ()  # dense layers before the logit; () = linear read-out
    discriminator_norm: str = "batch"  # "batch", or "none" (needed by WGAN-GP's per-sample penalty)
    # AC-GAN (Odena et al. 2017): the discriminator also names the class of what it sees (a second
    # head on its features), which the objective's classifier_weight trains; conditional models only
    auxiliary_classifier: bool = False

    def __post_init__(self):
        if len(self.discriminator_channels) != len(self.generator_channels):
            raise ValueError("discriminator_channels and generator_channels need the same number of entries")
        if self.latent_distribution not in ("normal", "uniform"):
            raise ValueError(f"latent_distribution must be normal or uniform, not {self.latent_distribution!r}")
        if self.discriminator_norm not in ("batch", "none"):
            raise ValueError(f"discriminator_norm must be batch or none, not {self.discriminator_norm!r}")
        if self.num_classes < 0 or self.latent_dim < 1 or self.base_size < 1:
            raise ValueError("num_classes must be >= 0, latent_dim and base_size >= 1")
        if self.label_embed_std <= 0:
            raise ValueError("label_embed_std must be > 0")
        if self.auxiliary_classifier and not self.num_classes:
            raise ValueError("auxiliary_classifier needs a conditional model (num_classes > 0)")

    @property
    def image_size(self) -> int:
        """Side of the generated square images."""
        return self.base_size * 2 ** len(self.generator_channels)

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """(C, H, W) of generated images."""
        return self.image_channels, self.image_size, self.image_size


class Generator(nn.Module):
    """z (B, latent_dim) [+ labels (B,)] -> images (B, C, H, W) in [-1, 1]."""

    def __init__(self, config: DCGANConfig):
        super().__init__()
        self.config = config
        act = config.generator_activation
        # concatenation of an embedding to z: the simplest conditioning, and enough at this scale
        self.label_embedding = (
            nn.Embedding(config.num_classes, config.label_embed_dim) if config.num_classes else None
        )
        width = config.latent_dim + (config.label_embed_dim if config.num_classes else 0)
        dense: list[nn.Module] = []
        for hidden in config.generator_hidden:
            dense += [nn.Linear(width, hidden, bias=False), nn.BatchNorm1d(hidden), activation(act)]
            width = hidden
        first = config.generator_channels[0]
        dense.append(nn.Linear(width, first * config.base_size**2, bias=False))
        dense.append(Unflatten2d(first, config.base_size))
        self.dense = nn.Sequential(*dense)
        layers: list[nn.Module] = [nn.BatchNorm2d(first), activation(act)]
        channels = list(config.generator_channels)
        for c_in, c_out in pairwise(channels):
            layers += [nn.ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=False), nn.BatchNorm2d(c_out), activation(act)]
        layers += [nn.ConvTranspose2d(channels[-1], config.image_channels, 4, 2, 1), nn.Tanh()]
        self.convs = nn.Sequential(*layers)
        self.apply(dcgan_init)
        if self.label_embedding is not None:
            nn.init.normal_(self.label_embedding.weight, 0.0, config.label_embed_std)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Images for noise z and, for a conditional generator, class labels."""
        if self.label_embedding is not None:
            if labels is None:
                raise ValueError("this generator is conditional: pass labels")
            z = torch.cat([z, self.label_embedding(labels)], dim=1)
        return self.convs(self.dense(z))  # dense: (B, C0, S, S); convs: (B, C, H, W)

    def sample_latent(self, count: int, *, device=None, generator: torch.Generator | None = None) -> torch.Tensor:
        """Noise (count, latent_dim) from the configured distribution."""
        shape = (count, self.config.latent_dim)
        if self.config.latent_distribution == "uniform":
            return torch.rand(shape, device=device, generator=generator) * 2 - 1
        return torch.randn(shape, device=device, generator=generator)


class Discriminator(nn.Module):
    """images (B, C, H, W) [+ labels (B,)] -> real/fake logits (B,)."""

    def __init__(self, config: DCGANConfig):
        super().__init__()
        self.config = config
        layers: list[nn.Module] = []
        c_in = config.image_channels
        for index, c_out in enumerate(config.discriminator_channels):
            layers.append(nn.Conv2d(c_in, c_out, 4, 2, 1, bias=index == 0 or config.discriminator_norm == "none"))
            # no normalisation on the first layer, as in DCGAN: it would erase the input's statistics
            if index > 0 and config.discriminator_norm == "batch":
                layers.append(nn.BatchNorm2d(c_out))
            layers.append(activation("leaky_relu"))
            c_in = c_out
        layers.append(Flatten())
        width = c_in * config.base_size**2
        for hidden in config.discriminator_hidden:
            layers += [nn.Linear(width, hidden), activation("leaky_relu")]
            width = hidden
        self.features = nn.Sequential(*layers)
        self.logit = nn.Linear(width, 1)
        # projection discriminator (Miyato & Koyama 2018): logit + <embed(y), features>. It asks
        # "is this a real image of class y" through an inner product, instead of concatenating
        # one-hot maps to the image, and gave cleaner class control in their experiments.
        self.label_projection = nn.Embedding(config.num_classes, width) if config.num_classes else None
        self.class_head = nn.Linear(width, config.num_classes) if config.auxiliary_classifier else None
        self.apply(dcgan_init)

    def forward(self, images: torch.Tensor, labels: torch.Tensor | None = None, *,
                with_classes: bool = False) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """One unnormalised real/fake score per image; with_classes: also (B, K) class logits."""
        features = self.features(images)  # (B, width)
        return conditional_readout(features, self.logit, self.label_projection, self.class_head, labels, with_classes)

# what this module registers in ganforge.models.FAMILIES
DECLARED_FAMILIES = (
    Family(
        "dcgan",
        DCGANConfig,
        lambda config: {"generator": Generator(config), "discriminator": Discriminator(config)},
        lambda config, data, name: fit_noise_model(config, data, name, conditional=True),
        num_classes=lambda config: config.num_classes,
        preview=lambda networks, real, rng: noise_preview(networks, real, rng,
                                                          num_classes=networks["generator"].config.num_classes),
        image_side=lambda config: config.image_size,
        auto_bf16=True,  # mnist-cgan reaches every quality target at the same step in bf16 (docs/training.md)
    ),
)
