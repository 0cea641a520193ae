"""MATLAB-compatible bicubic resizing: sizes, flat images, known averages, closeness to Pillow."""

from __future__ import annotations

import numpy as np
from PIL import Image

from ganforge.data.resize import cubic, imresize


def test_kernel_is_keys_cubic():
    assert cubic(np.array([0.0]))[0] == 1 and cubic(np.array([1.0, 2.0, 2.5])).tolist() == [0, 0, 0]
    assert abs(cubic(np.linspace(-2, 2, 4001)).sum() * 0.001 - 1) < 1e-6  # integrates to 1


def test_sizes_and_flat_images():
    flat = np.full((30, 41, 3), 77, np.uint8)
    small = imresize(flat, 1 / 4)
    assert small.shape == (8, 11, 3) and (small == 77).all()
    assert imresize(flat[:8, :8], 2).shape == (16, 16, 3)


def test_a_linear_ramp_shrinks_to_its_block_means():
    # away from the borders, antialiased cubic weights are symmetric, so a linear ramp averages exactly
    ramp = np.tile(np.arange(64, dtype=np.uint8)[None, :, None] * 3, (8, 1, 1))
    small = imresize(ramp, 1 / 2)
    expected = ramp[0, :, 0].reshape(32, 2).mean(axis=1)
    assert np.abs(small[2, 4:-4, 0] - expected[4:-4]).max() <= 0.5


def test_close_to_pillow_bicubic_on_a_real_photo():
    from skimage import data

    photo = data.astronaut()[:200, :200]
    ours = imresize(photo, 1 / 4).astype(np.int64)
    pillow = np.asarray(Image.fromarray(photo).resize((50, 50), Image.BICUBIC)).astype(np.int64)
    difference = np.abs(ours - pillow)
    assert difference.mean() < 1.0 and difference.max() <= 12
