"""Pixel-space distances for diversity and memorisation checks."""

from __future__ import annotations

import torch


def _flat(images: torch.Tensor) -> torch.Tensor:
    return images.reshape(images.shape[0], -1).double()


def mean_pairwise_distance(images: torch.Tensor) -> float:
    """Mean Euclidean distance between all pairs of distinct images: a diversity measure."""
    flat = _flat(images)
    count = flat.shape[0]
    if count < 2:
        raise ValueError("diversity needs at least two images")
    distances = torch.cdist(flat, flat)
    return float(distances.sum() / (count * (count - 1)))


def nearest_neighbour_distance(queries: torch.Tensor, references: torch.Tensor, chunk: int = 1024) -> torch.Tensor:
    """For each query image, the Euclidean distance to its nearest reference image, shape (N,)."""
    references = _flat(references)
    flat = _flat(queries)
    return torch.cat([torch.cdist(flat[i : i + chunk], references).min(dim=1).values for i in range(0, len(flat), chunk)])
