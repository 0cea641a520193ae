"""A character-level text GAN: the WGAN-GP language model of Gulrajani et al. 2017 (section 5, "Improved
Training of Wasserstein GANs"), sized for words on a CPU.

Generator:  z (B, latent_dim) ~ N(0, 1) -> dense -> width x length -> residual blocks [ReLU, conv 1-D
            kernel 5, ReLU, conv 1-D kernel 5, added back x 0.3] -> conv 1x1 to the alphabet -> softmax over
            the alphabet at each position: (B, V, L), each column a probability distribution over characters
Critic:     one-hot words (or the generator's distributions) (B, V, L) -> conv 1x1 to width -> the same
            residual blocks -> flatten -> one score; no normalisation (the gradient penalty acts per example)

The critic compares the generator's continuous distributions with one-hot real words: no gradient has
to pass through sampling, which is the paper's point (and why a real word is a corner of the simplex
the generator only approaches). Words are read off by the most likely character at each position, up to
the first end symbol (the alphabet's index 0); `sample_words` can also draw them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw, ImageFont
from torch import nn

from ganforge.data.words import END, decode
from ganforge.errors import GanforgeError
from ganforge.models.family import Family


@dataclass(frozen=True)
class TextGANConfig:
    """Networks of the textgan family. The alphabet (end symbol first) comes from the training words and
    travels with the checkpoint."""

    latent_dim: int = 128
    length: int = 16  # characters per word, end symbols included
    width: int = 64  # channels of every residual block
    residual_blocks: int = 5
    kernel: int = 5
    alphabet: str = ""  # set from the data (fit_to_data); the end symbol "\0" first
    # what the critic sees of the generator while training: "softmax" (its distributions, as the paper) or
    # "gumbel" (one character drawn per place by Gumbel-softmax, one-hot forward and the softmax's gradient
    # backward, straight-through, so that fakes are one-hot like real words)
    output: str = "softmax"
    gumbel_temperature: float = 1.0

    def __post_init__(self):
        if self.latent_dim < 1 or self.length < 2 or self.width < 1 or self.residual_blocks < 1:
            raise ValueError("latent_dim, width and residual_blocks must be >= 1, length >= 2")
        if self.output not in ("softmax", "gumbel") or not self.gumbel_temperature > 0:
            raise ValueError('output must be "softmax" or "gumbel", gumbel_temperature > 0')
        if self.kernel % 2 == 0:
            raise ValueError("kernel must be odd")

    @property
    def vocabulary(self) -> int:
        """Characters the generator chooses from, the end symbol included (at least 2 before fitting)."""
        return max(len(self.alphabet), 2)

    @property
    def image_shape(self) -> tuple[int, int]:
        """(alphabet size, length) of the generator's output."""
        return self.vocabulary, self.length


class ResidualBlock(nn.Module):
    """x + 0.3 * conv(ReLU(conv(ReLU(x)))), as in the paper's code."""

    def __init__(self, width: int, kernel: int):
        super().__init__()
        self.first = nn.Conv1d(width, width, kernel, padding=kernel // 2)
        self.second = nn.Conv1d(width, width, kernel, padding=kernel // 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + 0.3 * self.second(F.relu(self.first(F.relu(x))))


class Generator(nn.Module):
    """z (B, latent_dim) -> character distributions (B, V, L)."""

    def __init__(self, config: TextGANConfig):
        super().__init__()
        self.config = config
        self.dense = nn.Linear(config.latent_dim, config.width * config.length)
        self.blocks = nn.Sequential(*(ResidualBlock(config.width, config.kernel) for _ in range(config.residual_blocks)))
        self.readout = nn.Conv1d(config.width, config.vocabulary, 1)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """A probability distribution over the alphabet at each position."""
        if labels is not None:
            raise ValueError("this generator is unconditional: pass no labels")
        x = self.dense(z).unflatten(1, (self.config.width, self.config.length))
        logits = self.readout(self.blocks(x))
        if self.training and self.config.output == "gumbel":
            return F.gumbel_softmax(logits, tau=self.config.gumbel_temperature, hard=True, dim=1)
        return torch.softmax(logits, dim=1)

    def sample_latent(self, count: int, *, device=None, generator: torch.Generator | None = None) -> torch.Tensor:
        """z ~ N(0, 1), (count, latent_dim)."""
        return torch.randn(count, self.config.latent_dim, device=device, generator=generator)


class Critic(nn.Module):
    """(B, V, L) words or distributions -> scores (B,)."""

    def __init__(self, config: TextGANConfig):
        super().__init__()
        self.config = config
        self.embed = nn.Conv1d(config.vocabulary, config.width, 1)
        self.blocks = nn.Sequential(*(ResidualBlock(config.width, config.kernel) for _ in range(config.residual_blocks)))
        self.score = nn.Linear(config.width * config.length, 1)

    def forward(self, words: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """One unbounded score per word (higher: more real)."""
        return self.score(self.blocks(self.embed(words)).flatten(1)).squeeze(1)


def build(config: TextGANConfig) -> dict[str, nn.Module]:
    """The family's networks by role."""
    return {"generator": Generator(config), "discriminator": Critic(config)}


def fit_to_data(config: TextGANConfig, data, name: str) -> TextGANConfig:
    """The alphabet and length from the words."""
    if getattr(data, "representation", None) != "text":
        raise GanforgeError(f"{name} learns from words; give --data wfrench or a UTF-8 file of one word per line")
    if data.length != config.length:
        raise GanforgeError(f"{name} writes words of {config.length} characters but the data was read at "
                            f"{data.length}")
    return dataclasses.replace(config, alphabet=data.alphabet)


def most_likely(distributions: torch.Tensor) -> torch.Tensor:
    """(B, V, L) distributions -> (B, L) codes: the most likely character at each position."""
    return distributions.argmax(dim=1)


def sample_codes(distributions: torch.Tensor, temperature: float, generator: torch.Generator | None = None
                 ) -> torch.Tensor:
    """(B, V, L) distributions -> (B, L) codes drawn from them sharpened by `temperature` (0: most likely)."""
    if temperature == 0:
        return most_likely(distributions)
    logits = distributions.clamp_min(1e-12).log() / temperature
    probabilities = torch.softmax(logits, dim=1).permute(0, 2, 1).reshape(-1, distributions.shape[1])
    return torch.multinomial(probabilities, 1, generator=generator).view(distributions.shape[0], -1)


def example_inputs(config: TextGANConfig) -> dict[str, tuple[torch.Tensor, ...]]:
    """For `ganforge info`: noise for the generator, a batch of distributions for the critic."""
    return {"generator": (torch.zeros(1, config.latent_dim),),
            "discriminator": (torch.zeros(1, config.vocabulary, config.length),)}


PREVIEW_WORDS = 40  # words in a sample grid: 4 columns of 10


def render_words(words: list[str], length: int, cell: tuple[int, int] = (16, 7)) -> torch.Tensor:
    """Words of up to `length` characters drawn as black text on white, one per cell, as a (N, 1, H, W)
    batch in [-1, 1] for the trainer's grid writer: the sample grid of a text model."""
    height, per_char = cell
    width = per_char * max(length, 7) + 8
    font = ImageFont.load_default()
    cells = []
    for word in words:
        canvas = Image.new("L", (width, height), 255)
        ImageDraw.Draw(canvas).text((4, 2), word or "(empty)", fill=0, font=font)
        cells.append(torch.from_numpy(np.asarray(canvas, dtype=np.float32)) / 127.5 - 1)
    return torch.stack(cells)[:, None]


@torch.no_grad()
def preview(networks: dict[str, nn.Module], real: tuple, rng: torch.Generator) -> tuple[torch.Tensor, int]:
    """The sample grid: PREVIEW_WORDS generated words (most likely characters), 4 to a row."""
    generator = networks["generator"]
    device = next(generator.parameters()).device
    z = generator.sample_latent(PREVIEW_WORDS, generator=rng).to(device)
    words = decode(most_likely(generator(z)).cpu(), generator.config.alphabet or END + "?")
    return render_words(words, generator.config.length), 4

# what this module registers in ganforge.models.FAMILIES
DECLARED_FAMILIES = (
    Family("textgan", TextGANConfig, build, fit_to_data, task="write", data_kind="text", preview=preview,
           example_inputs=example_inputs, image_side=lambda config: config.length),
)
