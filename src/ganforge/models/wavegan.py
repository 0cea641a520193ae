"""WaveGAN (Donahue et al. 2019): DCGAN flattened to one dimension, drawing raw audio.

Generator:      z (+ label embedding) -> dense -> C0 x 16 -> ReLU -> [transposed conv 1-D, kernel 25,
                stride 4 -> ReLU] x 4 -> transposed conv to 1 channel -> tanh: 16 -> 64 -> ... -> 16,384 samples
Discriminator:  waveform -> [conv 1-D, kernel 25, stride 4 -> LeakyReLU(0.2) -> phase shuffle] x 5
                (no shuffle after the last) -> flatten -> one logit (+ projection of the label embedding)
Phase shuffle shifts each example's feature maps by a random -n..n samples (reflection at the edges)
while training, so the discriminator cannot tell real from fake by the phase of the upsampling's
periodic artefacts (the paper's section 3.3). No batch normalisation, as in the paper (WGAN-GP).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from itertools import pairwise

import torch
import torch.nn.functional as F
from torch import nn

from ganforge.errors import GanforgeError
from ganforge.models.family import Family
from ganforge.models.sampling import noise_preview
from ganforge.nn import conditional_readout
from ganforge.utils.spectrogram import to_spectrogram


@dataclass(frozen=True)
class WaveGANConfig:
    """Networks of the wavegan family; clips are base_length * stride ** len(generator_channels) samples."""

    latent_dim: int = 100  # size of the noise vector z, uniform in [-1, 1] as in the paper
    num_classes: int = 0  # 0: unconditional; K: a label in 0..K-1 conditions both networks
    label_embed_dim: int = 32  # size of the label embedding joined to z (conditional only)
    base_length: int = 16  # samples of the first feature map
    generator_channels: tuple[int, ...] = (512, 256, 128, 64, 32)  # the paper's d = 64 doubles every width
    discriminator_channels: tuple[int, ...] = (32, 64, 128, 256, 512)
    kernel: int = 25  # 1-D kernel length of every (transposed) convolution
    stride: int = 4
    phase_shuffle: int = 2  # the discriminator's random shift, in samples; 0 turns it off
    image_channels: int = 1  # mono audio
    auxiliary_classifier: bool = False  # AC-GAN's class head on the discriminator (as in the dcgan family)

    def __post_init__(self):
        if len(self.generator_channels) != len(self.discriminator_channels):
            raise ValueError("generator_channels and discriminator_channels need the same number of entries")
        if self.kernel % 2 == 0 or self.kernel < self.stride:
            raise ValueError("kernel must be odd and at least the stride")
        if self.num_classes < 0 or self.latent_dim < 1 or self.phase_shuffle < 0:
            raise ValueError("num_classes and phase_shuffle must be >= 0, latent_dim >= 1")
        if self.auxiliary_classifier and not self.num_classes:
            raise ValueError("auxiliary_classifier needs a conditional model (num_classes > 0)")

    @property
    def length(self) -> int:
        """Samples per generated clip."""
        return self.base_length * self.stride ** len(self.generator_channels)

    @property
    def image_shape(self) -> tuple[int, int]:
        """(channels, samples) of generated clips."""
        return self.image_channels, self.length


class Generator(nn.Module):
    """z (B, latent_dim) [+ labels (B,)] -> waveforms (B, 1, length) in [-1, 1]."""

    def __init__(self, config: WaveGANConfig):
        super().__init__()
        self.config = config
        self.label_embedding = nn.Embedding(config.num_classes, config.label_embed_dim) if config.num_classes else None
        width = config.latent_dim + (config.label_embed_dim if config.num_classes else 0)
        first = config.generator_channels[0]
        self.dense = nn.Linear(width, first * config.base_length)
        # length out = (length in - 1) stride - 2 padding + kernel + output_padding = length in x stride
        padding = (config.kernel - 1) // 2 - (config.stride - 1) // 2
        output_padding = config.stride + 2 * padding - config.kernel
        layers: list[nn.Module] = [nn.ReLU()]
        for c_in, c_out in pairwise([*config.generator_channels, 1]):
            layers.append(nn.ConvTranspose1d(c_in, c_out, config.kernel, config.stride, padding,
                                             output_padding=output_padding))
            layers.append(nn.ReLU() if c_out != 1 else nn.Tanh())
        self.convs = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Waveforms for noise z and, for a conditional generator, class labels."""
        if self.label_embedding is not None:
            if labels is None:
                raise ValueError("this generator is conditional: pass labels")
            z = torch.cat([z, self.label_embedding(labels)], dim=1)
        x = self.dense(z).unflatten(1, (self.config.generator_channels[0], self.config.base_length))
        return self.convs(x)

    def sample_latent(self, count: int, *, device=None, generator: torch.Generator | None = None) -> torch.Tensor:
        """z ~ U(-1, 1), (count, latent_dim)."""
        return torch.rand(count, self.config.latent_dim, device=device, generator=generator) * 2 - 1


def phase_shuffle(x: torch.Tensor, radius: int) -> torch.Tensor:
    """Each example shifted by its own random -radius..radius samples, edges reflected."""
    if radius == 0:
        return x
    shifts = torch.randint(-radius, radius + 1, (x.shape[0],)).tolist()
    padded = F.pad(x, (radius, radius), mode="reflect")
    length = x.shape[-1]
    return torch.stack([padded[i, :, radius - s : radius - s + length] for i, s in enumerate(shifts)])


class Discriminator(nn.Module):
    """waveforms (B, 1, length) [+ labels (B,)] -> real/fake logits (B,)."""

    def __init__(self, config: WaveGANConfig):
        super().__init__()
        self.config = config
        padding = (config.kernel - 1) // 2
        self.convs = nn.ModuleList()
        c_in = 1
        for c_out in config.discriminator_channels:
            self.convs.append(nn.Conv1d(c_in, c_out, config.kernel, config.stride, padding))
            c_in = c_out
        width = c_in * config.base_length
        self.logit = nn.Linear(width, 1)
        self.label_projection = nn.Embedding(config.num_classes, width) if config.num_classes else None
        self.class_head = nn.Linear(width, config.num_classes) if config.auxiliary_classifier else None

    def forward(self, waves: torch.Tensor, labels: torch.Tensor | None = None, *,
                with_classes: bool = False) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """One unnormalised real/fake score per clip; with_classes: also (B, K) class logits."""
        x = waves
        for index, conv in enumerate(self.convs):
            x = F.leaky_relu(conv(x), 0.2)
            if self.training and index < len(self.convs) - 1:
                x = phase_shuffle(x, self.config.phase_shuffle)
        features = x.flatten(1)
        return conditional_readout(features, self.logit, self.label_projection, self.class_head, labels, with_classes)


def build(config: WaveGANConfig) -> dict[str, nn.Module]:
    """The family's networks by role."""
    return {"generator": Generator(config), "discriminator": Discriminator(config)}


def fit_to_data(config: WaveGANConfig, data, name: str) -> WaveGANConfig:
    """Classes from the data; the clips must be as long as the generator's."""
    if getattr(data, "representation", None) != "wave":
        raise GanforgeError(f"{name} learns from sound; give --data the Free Spoken Digit Dataset's folder or one "
                            "subfolder of .wav files per class")
    if config.num_classes:
        config = dataclasses.replace(config, num_classes=data.num_classes)
    if data.clip_length != config.length:
        raise GanforgeError(f"{name} draws clips of {config.length:,} samples but {data.name} holds "
                            f"{data.clip_length:,}; change base_length or the number of layers")
    return config


def preview(networks: dict[str, nn.Module], real: tuple, rng: torch.Generator) -> tuple[torch.Tensor, int]:
    """The sample grid: spectrogram images of the generator's clips (a column per class for 10)."""
    waves, per_row = noise_preview(networks, real, rng, num_classes=networks["generator"].config.num_classes)
    return to_spectrogram(waves), per_row

# what this module registers in ganforge.models.FAMILIES
DECLARED_FAMILIES = (
    Family("wavegan", WaveGANConfig, build, fit_to_data, num_classes=lambda config: config.num_classes, task="speak",
           data_kind="audio", preview=preview),
)
