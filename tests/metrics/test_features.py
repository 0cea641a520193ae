"""Distribution metrics on synthetic features with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from ganforge.metrics.features import (
    density_coverage,
    fid,
    frechet_distance,
    kid,
    memorisation_share,
    precision_recall,
)


def test_frechet_distance_of_known_gaussians():
    # identical covariances: the distance is the squared distance of the means
    eye = np.eye(3)
    assert frechet_distance(np.zeros(3), eye, np.array([1.0, 2.0, 2.0]), eye) == pytest.approx(9.0)
    # 1-D: (m1 - m2)^2 + (s1 - s2)^2
    assert frechet_distance(np.zeros(1), np.array([[4.0]]), np.ones(1), np.array([[1.0]])) == pytest.approx(1 + 1)


def test_fid_of_a_set_with_itself_is_zero_and_grows_with_noise():
    generator = torch.Generator().manual_seed(0)
    features = torch.randn(2000, 16, generator=generator) @ torch.randn(16, 16, generator=generator)
    assert abs(fid(features, features)) < 1e-6
    noise = torch.randn(2000, 16, generator=generator)
    scores = [fid(features, features + level * noise) for level in (0.1, 0.3, 1.0, 3.0)]
    assert scores == sorted(scores) and scores[0] > 0


def test_kid_is_unbiased_for_two_halves_of_one_set():
    generator = torch.Generator().manual_seed(1)
    features = torch.randn(2000, 8, generator=generator)
    mean, std = kid(features[:1000], features[1000:], subsets=20, subset_size=500)
    assert abs(mean) < 3 * std + 1e-3  # zero within noise
    shifted, _ = kid(features[:1000], features[1000:] + 1.0, subsets=20, subset_size=500)
    assert shifted > 10 * max(abs(mean), std)


def test_precision_recall_on_gaussians():
    generator = torch.Generator().manual_seed(2)
    real = torch.randn(1000, 2, generator=generator)
    same = torch.randn(1000, 2, generator=generator)
    precision, recall = precision_recall(real, same)
    assert precision > 0.9 and recall > 0.9
    # a collapsed generator: every fake at one real point -> perfectly precise, no recall
    collapsed = real[0] + 1e-4 * torch.randn(1000, 2, generator=generator)
    precision, recall = precision_recall(real, collapsed)
    assert precision == 1 and recall < 0.01
    # fakes far from the data: neither
    precision, recall = precision_recall(real, same + 10)
    assert precision == 0 and recall == 0


def test_density_and_coverage():
    generator = torch.Generator().manual_seed(3)
    real = torch.randn(1000, 4, generator=generator)
    density, coverage = density_coverage(real, torch.randn(1000, 4, generator=generator))
    assert 0.8 < density < 1.2 and coverage > 0.9
    density, coverage = density_coverage(real, 0.1 * torch.randn(1000, 4, generator=generator))
    assert coverage < 0.3


def test_memorisation_catches_planted_copies():
    generator = torch.Generator().manual_seed(4)
    train = torch.randn(500, 10, generator=generator)
    heldout = torch.randn(200, 10, generator=generator)
    fresh = torch.randn(200, 10, generator=generator)
    honest = memorisation_share(train, heldout, fresh)
    assert honest < 0.15
    copies = torch.cat([train[:100] + 1e-3 * torch.randn(100, 10, generator=generator), fresh[:100]])
    assert memorisation_share(train, heldout, copies) > 0.5
    assert not math.isnan(honest)


def test_memorisation_without_a_held_out_set_is_leave_one_out():
    generator = torch.Generator().manual_seed(5)
    faces = torch.randn(100, 10, generator=generator)  # a few-shot set: held-out = training
    fresh = torch.randn(200, 10, generator=generator)
    assert memorisation_share(faces, faces, fresh) < 0.2  # not every fake flagged by a zero threshold
    copies = faces[:50] + 1e-3 * torch.randn(50, 10, generator=generator)
    assert memorisation_share(faces, faces, copies) == 1.0
