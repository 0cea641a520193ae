"""One view of every noise-to-image generator for editing: which latent spaces it has, how a
latent becomes an image, and how latents are spread.

Spaces (the names `--space` takes):
  z    the noise the generator was trained on (dcgan, mnist-gan, mnist-cgan, stylegan2): (N, z_dim)
  w    stylegan2's intermediate latent, one w for every layer: (N, w_dim)
  w+   stylegan2 with a w of its own for each of its num_ws style inputs (Abdal et al. 2019): (N, num_ws, w_dim)
Edits move latents in the model's edit space: w for stylegan2, z for the others. A conditional
generator renders a latent with a class label beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from ganforge.errors import GanforgeError
from ganforge.models import FAMILIES, STYLE
from ganforge.models.io import LoadedGenerator

SPACES = ("z", "w", "w+")
STATISTICS_SAMPLES = 10_000  # latents drawn for the mean and spread of w (the StyleGAN2 projector's count)


@dataclass(frozen=True)
class LatentStatistics:
    """Where a space's latents lie: their mean (dim,) and the root mean squared distance to it."""

    mean: Tensor
    std: float


class LatentGenerator:
    """A loaded noise-to-image generator seen through its latent spaces (eval mode, frozen)."""

    def __init__(self, loaded: LoadedGenerator):
        self.loaded = loaded
        self.generator = loaded.generator.eval().requires_grad_(False)
        self.style_based = FAMILIES.get(loaded.family).can(STYLE)
        self.num_classes = FAMILIES.get(loaded.family).num_classes(loaded.config)
        self.spaces = SPACES if self.style_based else ("z",)
        self.edit_space = "w" if self.style_based else "z"
        self.image_shape = tuple(loaded.config.image_shape)
        self.num_ws = self.generator.num_ws if self.style_based else 1
        self.device = next(self.generator.parameters()).device
        self._statistics: dict[str, LatentStatistics] = {}

    @property
    def source(self) -> str:
        """The checkpoint or shipped model, for messages."""
        return str(self.loaded.source)

    @property
    def z_dim(self) -> int:
        """Length of the noise vector."""
        config = self.loaded.config
        return config.z_dim if self.style_based else config.latent_dim

    def dim(self, space: str) -> int:
        """Length of one latent vector of `space` (per layer for w+)."""
        return self.loaded.config.w_dim if space in ("w", "w+") else self.z_dim

    def check_space(self, space: str) -> str:
        """`space` when this generator has it, else a one-line error naming the ones it has."""
        if space not in SPACES:
            raise GanforgeError(f"--space {space}: choose one of {', '.join(SPACES)}")
        if space not in self.spaces:
            raise GanforgeError(f"--space {space}: {self.source} is a {self.loaded.family} model, whose only latent "
                                "space is z (w and w+ belong to stylegan2); use --space z")
        return space

    def random_z(self, count: int, seed: int) -> Tensor:
        """`count` noise vectors from the training distribution, the same for a seed on every device."""
        return self.generator.sample_latent(count, generator=torch.Generator().manual_seed(seed)).to(self.device)

    def seed_z(self, seeds: list[int]) -> Tensor:
        """z of each seed (seed s is the first draw of a CPU generator seeded with s, as `ganforge mix`)."""
        return torch.cat([self.random_z(1, seed) for seed in seeds])

    def from_z(self, z: Tensor, space: str) -> Tensor:
        """z (N, z_dim) mapped into `space`."""
        if space == "z":
            return z
        w = self.generator.mapping(z)
        return w if space == "w" else w[:, None].repeat(1, self.num_ws, 1)

    def statistics(self, space: str) -> LatentStatistics:
        """Mean and spread of `space`'s latents over STATISTICS_SAMPLES draws (cached; seed 0)."""
        space = "w" if space == "w+" else space
        if space not in self._statistics:
            with torch.no_grad():
                latents = self.from_z(self.random_z(STATISTICS_SAMPLES, seed=0), space)
            mean = latents.mean(0)
            std = float((latents - mean).square().sum(1).mean().sqrt())
            self._statistics[space] = LatentStatistics(mean, std)
        return self._statistics[space]

    def to_ws(self, latents: Tensor, space: str) -> Tensor:
        """(N, num_ws, w_dim) style inputs of w or w+ latents."""
        return latents[:, None].expand(-1, self.num_ws, -1) if space == "w" else latents

    def render(self, latents: Tensor, space: str, labels: Tensor | None = None,
               noises: list[Tensor] | None = None) -> Tensor:
        """Images (N, C, H, W), roughly in [-1, 1], of latents in `space`; stylegan2's noise inputs are
        its fixed ones unless `noises` (one map per conv) are given."""
        if space == "z":
            if self.style_based:
                return self.generator.synthesis(self.to_ws(self.generator.mapping(latents), "w"), "const", noises)
            return self.generator(latents, labels)
        return self.generator.synthesis(self.to_ws(latents, space), "const", noises)

    def noise_maps(self, count: int) -> list[Tensor]:
        """The generator's fixed noise inputs, one copy per image (count, 1, r, r): where inversion starts."""
        return [conv.noise_const.expand(count, -1, -1, -1).clone() for conv in self.generator.synthesis.convs]

    def style_layer_ranges(self) -> dict[str, tuple[int, int]]:
        """coarse / middle / fine: thirds of the style inputs, lowest resolutions first (first, last)."""
        first_middle, first_fine = round(self.num_ws / 3), round(2 * self.num_ws / 3)
        return {"coarse": (0, first_middle - 1), "middle": (first_middle, first_fine - 1),
                "fine": (first_fine, self.num_ws - 1)}

    def parse_layers(self, text: str | None) -> tuple[int, int]:
        """--layers: coarse, middle, fine, all, or 'A-B' (style inputs A to B, from 0) -> (first, last)."""
        if text is not None and not text.strip():
            raise GanforgeError("--layers is empty; give coarse, middle, fine, all or A-B, or drop --layers")
        if self.num_ws == 1 or text in (None, "all"):
            if text not in (None, "all"):
                raise GanforgeError(f"--layers {text}: {self.source} has no style layers (only stylegan2 does); "
                                    "drop --layers")
            return 0, self.num_ws - 1
        named = self.style_layer_ranges()
        if text in named:
            return named[text]
        try:
            first, last = (int(part) for part in text.split("-"))
        except ValueError:
            first = last = -1
        if not 0 <= first <= last < self.num_ws:
            ranges = ", ".join(f"{name} {a}-{b}" for name, (a, b) in named.items())
            raise GanforgeError(f"--layers {text}: give coarse, middle, fine, all or a range A-B within 0-"
                                f"{self.num_ws - 1} ({ranges})")
        return first, last
