"""Drawing images from a noise-to-image generator: the one sampling loop that apps, the trainer's
evaluation and the benchmarks share."""

from __future__ import annotations

import inspect

import torch
from torch import nn


def cycling_labels(num_classes: int, count: int) -> torch.Tensor | None:
    """Labels 0, 1, ..., K-1, 0, 1, ... for `count` samples; None for an unconditional model (K = 0)."""
    return torch.arange(count) % num_classes if num_classes else None


@torch.no_grad()
def sample_images(
    generator: nn.Module, count: int, *, labels: torch.Tensor | None = None, seed: int = 0, batch_size: int = 500,
    truncation: float = 1.0,
) -> torch.Tensor:
    """`count` images (N, C, H, W) in [-1, 1] on the CPU. Noise comes from a CPU generator seeded with
    `seed`, so the same seed gives the same images on every device; global RNG is untouched.
    `truncation` psi pulls each latent towards the middle of its distribution: a style-based generator's w
    towards the average w (its forward takes `truncation`), any other's z towards 0 (z <- psi z, the
    noise distribution's centre: the truncation trick of BigGAN, by scaling instead of resampling)."""
    style = "truncation" in inspect.signature(generator.forward).parameters
    options = {"truncation": truncation} if truncation != 1 and style else {}
    device = next(generator.parameters()).device
    latent = generator.sample_latent(count, generator=torch.Generator().manual_seed(seed))
    if truncation != 1 and not style:
        latent = latent * truncation
    was_training = generator.training
    generator.eval()
    chunks = []
    for start in range(0, count, batch_size):
        z = latent[start : start + batch_size].to(device)
        y = None if labels is None else labels[start : start + batch_size].to(device)
        chunks.append(generator(z, y, **options).float().cpu())
    generator.train(was_training)
    return torch.cat(chunks)


def displayable(images: torch.Tensor, channels: int) -> torch.Tensor:
    """(N, C, H, W) shown with `channels` (1 or 3) channels: grayscale is repeated to RGB, and a
    completion input's extra mask channel is dropped."""
    if images.shape[1] == channels:
        return images
    if images.shape[1] == 1:
        return images.expand(-1, channels, -1, -1)
    return images[:, :channels] if images.shape[1] > channels else images[:, :1].expand(-1, channels, -1, -1)


def image_rows(rows: list[torch.Tensor]) -> tuple[torch.Tensor, int]:
    """Stack equally long rows of images into one grid batch: (all images, images per row)."""
    channels = 3 if any(row.shape[1] >= 3 for row in rows) else 1
    return torch.cat([displayable(row, channels) for row in rows]), rows[0].shape[0]


PREVIEW_SIZE = 100  # images in a noise family's sample grid (10 x 10; a column per class for 10 classes)


@torch.no_grad()
def noise_preview(networks: dict[str, nn.Module], real: tuple, rng: torch.Generator, *,
                  num_classes: int = 0) -> tuple[torch.Tensor, int]:
    """The sample grid of a noise-to-image family: PREVIEW_SIZE images from noise drawn by `rng`
    (a conditional one cycles through its `num_classes` classes, a column per class for 10)."""
    generator = networks["generator"]
    device = next(generator.parameters()).device
    z = generator.sample_latent(PREVIEW_SIZE, generator=rng).to(device)
    labels = cycling_labels(num_classes, PREVIEW_SIZE)
    return generator(z, None if labels is None else labels.to(device)), 10
