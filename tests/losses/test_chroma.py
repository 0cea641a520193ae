"""Colourisation as classification (Zhang et al.): the a*b* cells cover sRGB, the soft target sits on
the true colour, rebalancing lifts rare colours, the loss prefers the right cell, and the annealed
mean moves from the plain mean to the mode as the temperature falls."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ganforge.losses.chroma import (
    cell_counts,
    chroma_class_loss,
    nearest_cell,
    rebalancing_weights,
    soft_targets,
)
from ganforge.utils.colour import CHROMA_BIN, annealed_mean, chroma_bin_centres, rgb_to_lab

skimage_data = pytest.importorskip("skimage.data")


def _chroma(photo: np.ndarray) -> torch.Tensor:
    """(1, 2, H, W) a*b* of a photo."""
    return torch.from_numpy(rgb_to_lab(photo)[..., 1:]).permute(2, 0, 1)[None]


def test_every_colour_of_real_photos_lies_in_a_cell():
    centres = torch.from_numpy(chroma_bin_centres())
    assert 250 < len(centres) < 320 and (centres % CHROMA_BIN == 0).all()
    for photo in (skimage_data.astronaut(), skimage_data.coffee(), skimage_data.chelsea()):
        chroma = _chroma(photo[::4, ::4])
        flat = chroma.permute(0, 2, 3, 1).reshape(-1, 2)
        distance = (flat - centres[nearest_cell(chroma, centres)]).norm(dim=1)
        assert distance.max() <= CHROMA_BIN / 2 * 2**0.5 + 1e-3  # within its own square cell


def test_the_soft_target_sits_on_the_true_colour():
    centres = torch.from_numpy(chroma_bin_centres())
    chroma = _chroma(skimage_data.coffee()[::8, ::8])
    cells, weights = soft_targets(chroma, centres)
    assert torch.allclose(weights.sum(dim=1), torch.ones(len(weights)))
    flat = chroma.permute(0, 2, 3, 1).reshape(-1, 2)
    decoded = (weights[..., None] * centres[cells]).sum(dim=1)  # the target's mean colour
    assert (decoded - flat).norm(dim=1).mean() < 3.0  # a*b* units; cells are 10 apart
    assert (weights[:, 0] >= weights[:, -1]).all()  # the nearest cell weighs most


def test_rare_colours_weigh_more_and_the_weights_average_one():
    centres = torch.from_numpy(chroma_bin_centres())
    counts = cell_counts(_chroma(skimage_data.astronaut()[::4, ::4]), centres)
    weights = rebalancing_weights(counts, centres)
    common, rare = counts.argmax(), counts.argmin()
    assert weights[rare] > 1.5 * weights[common]
    kernel = torch.exp(-torch.cdist(centres.double(), centres.double()) ** 2 / 50)
    smoothed = kernel @ (counts / counts.sum())
    assert float((smoothed / smoothed.sum() * weights).sum()) == pytest.approx(1.0)
    assert torch.allclose(rebalancing_weights(counts, centres, rebalance=1.0), torch.ones(len(centres)).double())


def test_the_loss_prefers_logits_on_the_true_cells():
    centres = torch.from_numpy(chroma_bin_centres())
    chroma = _chroma(skimage_data.coffee()[::16, ::16])
    weights = rebalancing_weights(cell_counts(chroma, centres), centres)
    right = torch.nn.functional.one_hot(nearest_cell(chroma, centres), len(centres)).float() * 8
    right = right.reshape(1, *chroma.shape[2:], -1).permute(0, 3, 1, 2)
    wrong = right.roll(7, dims=1)  # the same confidence on other cells
    uniform = torch.zeros_like(right)
    losses = [float(chroma_class_loss(logits, chroma, centres, weights)) for logits in (right, uniform, wrong)]
    assert losses[0] < losses[1] < losses[2]


def test_the_annealed_mean_goes_from_the_mean_to_the_mode():
    centres = torch.tensor([[0.0, 0.0], [60.0, 0.0]])
    logits = torch.tensor([1.0, 0.0]).reshape(1, 2, 1, 1)  # p = 0.73, 0.27
    plain = annealed_mean(logits, centres, 1.0)[0, :, 0, 0]
    assert float(plain[0]) == pytest.approx(60 * float(torch.sigmoid(torch.tensor(-1.0))))
    assert float(annealed_mean(logits, centres, 0.01)[0, 0, 0, 0]) == pytest.approx(0.0, abs=1e-6)
    assert float(annealed_mean(logits, centres, 0.38)[0, 0, 0, 0]) < float(plain[0])
