"""Colourisation as classification (Zhang, Isola & Efros 2016, "Colorful Image Colorization", section 2.1).

Regressing a*b* with L1/L2 averages the plausible colours of an object into grey. Instead each pixel's
a*b* is quantised into Q cells (utils.colour.chroma_bin_centres) and the network predicts a
distribution over them:
    soft target   Z: the 5 cells nearest the true a*b*, weighted by a Gaussian (sigma 5) of the distance
    rebalancing   w_q proportional to ((1 - lam) * p~_q + lam / Q) ** -1, normalised so E_p~[w] = 1, where
                  p~ is the cells' frequency in the training targets smoothed by a Gaussian (sigma 5);
                  rare (saturated) colours weigh more, lam = 0.5 as in the paper
    loss          - mean over pixels of w_{q*} * sum_q Z_q log softmax(logits)_q,  q* = the true cell
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

NEIGHBOURS = 5  # cells a true colour is spread over
SIGMA = 5.0  # a*b* units, for the soft target and for smoothing the cell frequencies
REBALANCE = 0.5  # lam: 0 = full inverse frequency, 1 = no rebalancing


def _flat(chroma: Tensor) -> Tensor:
    """(B, 2, H, W) a*b* -> (B*H*W, 2)."""
    return chroma.permute(0, 2, 3, 1).reshape(-1, 2)


def nearest_cell(chroma: Tensor, centres: Tensor) -> Tensor:
    """a*b* (B, 2, H, W) in a*b* units, centres (Q, 2) -> the index of each pixel's nearest cell (B*H*W,)."""
    return torch.cdist(_flat(chroma), centres).argmin(dim=1)


def cell_counts(chroma: Tensor, centres: Tensor) -> Tensor:
    """How many pixels of `chroma` fall nearest each cell: (Q,) float64."""
    return torch.bincount(nearest_cell(chroma, centres), minlength=len(centres)).double()


def rebalancing_weights(counts: Tensor, centres: Tensor, rebalance: float = REBALANCE) -> Tensor:
    """Per-cell weights (Q,) from the cells' counts in the training targets (see the module's docstring)."""
    frequency = counts / counts.sum().clamp_min(1.0)
    kernel = torch.exp(-torch.cdist(centres.double(), centres.double()) ** 2 / (2 * SIGMA**2))
    smoothed = kernel @ frequency
    smoothed = smoothed / smoothed.sum().clamp_min(1e-12)
    weights = 1.0 / ((1 - rebalance) * smoothed + rebalance / len(centres))
    return weights / (smoothed * weights).sum()


def soft_targets(chroma: Tensor, centres: Tensor) -> tuple[Tensor, Tensor]:
    """(B, 2, H, W) a*b* -> the NEIGHBOURS nearest cells of every pixel (P, K) and their weights (P, K)."""
    distances, cells = torch.cdist(_flat(chroma), centres).topk(NEIGHBOURS, dim=1, largest=False)
    weights = torch.softmax(-distances**2 / (2 * SIGMA**2), dim=1)
    return cells, weights


def chroma_class_loss(logits: Tensor, chroma: Tensor, centres: Tensor, cell_weights: Tensor) -> Tensor:
    """Rebalanced cross-entropy of logits (B, Q, H, W) against true a*b* (B, 2, H, W), in a*b* units."""
    return soft_cross_entropy(logits, *soft_targets(chroma, centres.to(chroma.dtype)), cell_weights)


def soft_cross_entropy(logits: Tensor, cells: Tensor, weights: Tensor, cell_weights: Tensor) -> Tensor:
    """chroma_class_loss from soft_targets' (cells, weights), for a caller that also needs the cells."""
    log_p = F.log_softmax(logits.float(), dim=1).permute(0, 2, 3, 1).reshape(-1, logits.shape[1])
    per_pixel = -(weights * log_p.gather(1, cells)).sum(dim=1)
    return (cell_weights.to(per_pixel.dtype)[cells[:, 0]] * per_pixel).mean()
