"""Drawing images from a noise-to-image generator: the one sampling loop that apps, the trainer's
evaluation and the benchmarks share."""

from __future__ import annotations

import torch
from torch import nn


def cycling_labels(num_classes: int, count: int) -> torch.Tensor | None:
    """Labels 0, 1, ..., K-1, 0, 1, ... for `count` samples; None for an unconditional model (K = 0)."""
    return torch.arange(count) % num_classes if num_classes else None


@torch.no_grad()
def sample_images(
    generator: nn.Module, count: int, *, labels: torch.Tensor | None = None, seed: int = 0, batch_size: int = 500
) -> torch.Tensor:
    """`count` images (N, C, H, W) in [-1, 1] on the CPU. Noise comes from a CPU generator seeded with
    `seed`, so the same seed gives the same images on every device; global RNG is untouched."""
    device = next(generator.parameters()).device
    latent = generator.sample_latent(count, generator=torch.Generator().manual_seed(seed))
    was_training = generator.training
    generator.eval()
    chunks = []
    for start in range(0, count, batch_size):
        z = latent[start : start + batch_size].to(device)
        y = None if labels is None else labels[start : start + batch_size].to(device)
        chunks.append(generator(z, y).float().cpu())
    generator.train(was_training)
    return torch.cat(chunks)
