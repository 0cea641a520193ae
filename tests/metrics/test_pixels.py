"""PSNR and SSIM against known values and scikit-image's reference functions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ganforge.metrics.pixels import psnr, ssim


def test_psnr_of_a_known_error():
    truth = np.full((16, 16, 3), 100, np.uint8)
    assert psnr(truth + 10, truth) == pytest.approx(20 * math.log10(255 / 10))
    assert psnr(truth, truth) == math.inf
    from skimage.metrics import peak_signal_noise_ratio

    noisy = np.random.default_rng(0).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    assert psnr(noisy, truth) == pytest.approx(peak_signal_noise_ratio(truth, noisy, data_range=255))


def test_ssim_is_one_for_equal_images_and_falls_with_noise():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
    assert ssim(truth, truth) == pytest.approx(1.0)
    scores = [ssim(np.clip(truth + rng.normal(0, sigma, truth.shape), 0, 255).astype(np.uint8), truth)
              for sigma in (5, 20, 60)]
    assert scores[0] > scores[1] > scores[2]
    with pytest.raises(ValueError, match="one shape"):
        ssim(truth[:8], truth)
