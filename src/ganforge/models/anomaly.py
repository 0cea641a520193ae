"""Anomaly detectors: networks that learn what normal images look like and score how far an image is
from it (higher = more anomalous). Three families share one DCGAN-style encoder and decoder:

  ganomaly     Akcay et al. 2018: encoder -> z -> decoder -> x_hat -> second encoder -> z_hat, with a
               discriminator; score = mean (z - z_hat)^2 (the GAN method)
  autoencoder  the same encoder and decoder alone; score = mean (x - x_hat)^2 (a baseline)
  deep-svdd    Ruff et al. 2018: an encoder without bias terms maps normal images near a centre c,
               fixed from the first training batch; score = |phi(x) - c|^2 (a one-class baseline)
  fanogan      Schlegl et al. 2019: a WGAN-GP generator G (z -> x) and critic D trained on normal
               images, then an encoder E (x -> z) trained with G and D fixed (izi_f); score =
               mean (x - G(E(x)))^2 + kappa mean (f(x) - f(G(E(x))))^2, f = D's features

`score(networks, images)` reads the roles of the family's `scoring_roles`: the "generator" alone for
the first three (GANomaly's discriminator only trains it), G, E and D for f-AnoGAN.
Images are square with a side divisible by 4 (28x28 digits and clothes: 28 -> 14 -> 7).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import torch
from torch import nn

from ganforge.models.family import Family
from ganforge.models.fitting import fit_noise_model
from ganforge.models.sampling import image_rows
from ganforge.nn import Flatten, Unflatten2d, dcgan_init


@dataclass(frozen=True)
class AnomalyConfig:
    """Networks of the anomaly families (the defaults suit 28x28 grayscale)."""

    image_channels: int = 1  # set from the data when training
    image_size: int = 28  # side of the square images; divisible by 4
    latent_dim: int = 100  # size of z (GANomaly, autoencoder, f-AnoGAN) or of the SVDD feature phi(x)
    width: int = 64  # channels of the first conv layer; the second has twice as many
    feature_weight: float = 1.0  # f-AnoGAN's kappa: the critic-feature residual's weight in the score

    def __post_init__(self):
        if self.image_size % 4 or self.image_size < 8:
            raise ValueError(f"image_size must be a multiple of 4 and >= 8, not {self.image_size}")
        if min(self.image_channels, self.latent_dim, self.width) < 1:
            raise ValueError("image_channels, latent_dim and width must be >= 1")

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """(C, H, W) of the images it scores."""
        return self.image_channels, self.image_size, self.image_size

    @property
    def num_classes(self) -> int:
        """Anomaly detectors are not conditioned on a class."""
        return 0


def encoder(config: AnomalyConfig, out: int, *, bias: bool = True) -> nn.Sequential:
    """image (B, C, S, S) -> (B, out): two stride-2 convs (LeakyReLU, BN on the second) and a dense layer.
    bias=False (Deep SVDD): no bias anywhere and BN without affine terms, so phi cannot map everything to c."""
    w, base = config.width, config.image_size // 4
    return nn.Sequential(
        nn.Conv2d(config.image_channels, w, 4, 2, 1, bias=bias), nn.LeakyReLU(0.2),
        nn.Conv2d(w, 2 * w, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * w, affine=bias), nn.LeakyReLU(0.2),
        Flatten(), nn.Linear(2 * w * base * base, out, bias=bias),
    )


def decoder(config: AnomalyConfig) -> nn.Sequential:
    """z (B, latent_dim) -> image (B, C, S, S) in [-1, 1]: dense, then two stride-2 transposed convs."""
    w, base = config.width, config.image_size // 4
    return nn.Sequential(
        nn.Linear(config.latent_dim, 2 * w * base * base, bias=False), Unflatten2d(2 * w, base),
        nn.BatchNorm2d(2 * w), nn.ReLU(),
        nn.ConvTranspose2d(2 * w, w, 4, 2, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU(),
        nn.ConvTranspose2d(w, config.image_channels, 4, 2, 1), nn.Tanh(),
    )


class Reconstructor(nn.Module):
    """x -> (z, x_hat, z_hat): the GANomaly generator (encoder, decoder, second encoder); with
    second_encoder=False the plain autoencoder (z_hat is None)."""

    def __init__(self, config: AnomalyConfig, *, second_encoder: bool):
        super().__init__()
        self.config = config
        self.encode = encoder(config, config.latent_dim)
        self.decode = decoder(config)
        self.encode_again = encoder(config, config.latent_dim) if second_encoder else None
        self.apply(dcgan_init)

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """images (B, C, S, S) -> z (B, latent_dim), x_hat (B, C, S, S), z_hat (B, latent_dim) or None."""
        z = self.encode(images)
        reconstruction = self.decode(z)
        z_hat = self.encode_again(reconstruction) if self.encode_again is not None else None
        return z, reconstruction, z_hat


class Critic(nn.Module):
    """GANomaly's discriminator: features f(x) (B, 2 * width * (S/4)^2) and a real/fake logit."""

    def __init__(self, config: AnomalyConfig):
        super().__init__()
        body = encoder(config, 1)
        self.features, self.logit = body[:-1], body[-1]
        self.apply(dcgan_init)

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """images -> (features, logits (B,))."""
        features = self.features(images)
        return features, self.logit(features).squeeze(1)


class SVDDEncoder(nn.Module):
    """phi: images -> (B, latent_dim), no bias terms; `center` c is a buffer set once (see the objective)."""

    def __init__(self, config: AnomalyConfig):
        super().__init__()
        self.config = config
        self.encode = encoder(config, config.latent_dim, bias=False)
        self.register_buffer("center", torch.zeros(config.latent_dim))
        self.register_buffer("center_set", torch.zeros((), dtype=torch.bool))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """images -> phi(x) (B, latent_dim)."""
        return self.encode(images)


class NoiseDecoder(nn.Module):
    """f-AnoGAN's generator G: z (B, latent_dim) ~ N(0, I) -> images (B, C, S, S) in [-1, 1]."""

    def __init__(self, config: AnomalyConfig):
        super().__init__()
        self.config = config
        self.decode = decoder(config)
        self.apply(dcgan_init)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Images of noise (labels are accepted and ignored: unconditional)."""
        return self.decode(z)

    def sample_latent(self, count: int, *, device=None, generator: torch.Generator | None = None) -> torch.Tensor:
        """z ~ N(0, I)."""
        return torch.randn(count, self.config.latent_dim, device=device, generator=generator)


class WassersteinCritic(nn.Module):
    """f-AnoGAN's critic D: the encoder's convolutions without batch normalisation (WGAN-GP's gradient
    penalty is per image); features f(x) (B, 2 * width * (S/4)^2) and a score (B,)."""

    def __init__(self, config: AnomalyConfig):
        super().__init__()
        w, base = config.width, config.image_size // 4
        self.features = nn.Sequential(
            nn.Conv2d(config.image_channels, w, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(w, 2 * w, 4, 2, 1), nn.LeakyReLU(0.2), Flatten(),
        )
        self.logit = nn.Linear(2 * w * base * base, 1)
        self.apply(dcgan_init)

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """images -> (features, scores (B,))."""
        features = self.features(images)
        return features, self.logit(features).squeeze(1)


def izi_f(networks: Mapping[str, nn.Module], images: torch.Tensor, kappa: float) -> torch.Tensor:
    """f-AnoGAN's per-image residual (B,): image MSE + kappa x critic-feature MSE of x and G(E(x))."""
    rebuilt = networks["generator"](networks["encoder"](images))
    features = networks["discriminator"].features
    residual = (images - rebuilt).square().flatten(1).mean(1)
    return residual + kappa * (features(images) - features(rebuilt)).square().mean(1)


def score(networks: Mapping[str, nn.Module], images: torch.Tensor) -> torch.Tensor:
    """Anomaly scores (B,) of images (B, C, S, S) in [-1, 1]; higher = more anomalous."""
    generator = networks["generator"]
    if isinstance(generator, NoiseDecoder):
        return izi_f(networks, images, generator.config.feature_weight)
    if isinstance(generator, SVDDEncoder):
        return (generator(images) - generator.center).square().sum(1)
    z, reconstruction, z_hat = generator(images)
    if z_hat is not None:
        return (z - z_hat).square().mean(1)
    return (images - reconstruction).square().flatten(1).mean(1)


def build_ganomaly(config: AnomalyConfig) -> dict[str, nn.Module]:
    """generator (encoder-decoder-encoder) and discriminator."""
    return {"generator": Reconstructor(config, second_encoder=True), "discriminator": Critic(config)}


def build_autoencoder(config: AnomalyConfig) -> dict[str, nn.Module]:
    """generator: the encoder-decoder."""
    return {"generator": Reconstructor(config, second_encoder=False)}


def build_deep_svdd(config: AnomalyConfig) -> dict[str, nn.Module]:
    """generator: the bias-free encoder phi with its centre."""
    return {"generator": SVDDEncoder(config)}


def build_fanogan(config: AnomalyConfig) -> dict[str, nn.Module]:
    """generator G (z -> x), discriminator D (the WGAN critic) and encoder E (x -> z)."""
    encode = encoder(config, config.latent_dim)
    encode.apply(dcgan_init)
    return {"generator": NoiseDecoder(config), "discriminator": WassersteinCritic(config), "encoder": encode}


def example_inputs(config: AnomalyConfig) -> dict[str, tuple[torch.Tensor, ...]]:
    """One input per network (batch 2) for architecture tables."""
    images = torch.zeros(2, *config.image_shape)
    return {"generator": (images,), "discriminator": (images,)}


def fanogan_example_inputs(config: AnomalyConfig) -> dict[str, tuple[torch.Tensor, ...]]:
    """f-AnoGAN's: G takes noise, D and E images."""
    images = torch.zeros(2, *config.image_shape)
    return {"generator": (torch.zeros(2, config.latent_dim),), "discriminator": (images,), "encoder": (images,)}


@torch.no_grad()
def preview(networks: dict[str, nn.Module], real: tuple, rng: torch.Generator) -> tuple[torch.Tensor, int]:
    """The sample grid: fixed real images and their reconstructions; Deep SVDD: the images ordered from
    the most normal to the most anomalous score."""
    images = real[0]
    generator = networks["generator"]
    if isinstance(generator, NoiseDecoder):  # real | G(E(x)) | samples of G
        z = generator.sample_latent(len(images), generator=rng).to(images.device)
        return image_rows([images, generator(networks["encoder"](images)), generator(z)])
    if isinstance(generator, SVDDEncoder):
        order = score(networks, images).argsort()
        return image_rows([images[order]])
    return image_rows([images, generator(images)[1]])

# what this module registers in ganforge.models.FAMILIES: four one-class detectors over the same networks
_ONE_NETWORK = (("generator",), example_inputs)
DECLARED_FAMILIES = tuple(
    Family(name, AnomalyConfig, build_family,
           lambda config, data, run_name: fit_noise_model(config, data, run_name, conditional=False),
           task="detect", preview=preview, anomaly_score=score, example_inputs=examples, scoring_roles=roles,
           image_side=lambda config: config.image_size)
    for name, build_family, (roles, examples) in (
        ("ganomaly", build_ganomaly, _ONE_NETWORK),
        ("autoencoder", build_autoencoder, _ONE_NETWORK),
        ("deep-svdd", build_deep_svdd, _ONE_NETWORK),
        ("fanogan", build_fanogan, (("generator", "encoder", "discriminator"), fanogan_example_inputs)),
    )
)
