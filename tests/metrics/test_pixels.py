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


def test_y_channel_scores_follow_the_super_resolution_convention():
    from ganforge.metrics.pixels import luma, psnr_y, ssim_y

    white, black = np.full((1, 1, 3), 255, np.uint8), np.zeros((1, 1, 3), np.uint8)
    assert luma(white).item() == pytest.approx(235.0) and luma(black).item() == pytest.approx(16.0)
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 256, (24, 24, 3), dtype=np.uint8)
    image = truth.copy()
    image[:4] = 0  # damage only inside a 4-pixel border
    assert psnr_y(image, truth, crop_border=4) == math.inf and psnr_y(image, truth) < 30
    assert ssim_y(image, truth, crop_border=4) == pytest.approx(1.0) and ssim_y(image, truth) < 1
    # +10 on every channel moves Y by 10 * 219 / 255 (the BT.601 luma range is 16..235)
    grey = np.full((16, 16, 3), 100, np.uint8)
    assert psnr_y(grey + 10, grey) == pytest.approx(20 * math.log10(255 / (10 * 219 / 255)))
