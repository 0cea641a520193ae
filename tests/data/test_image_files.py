"""Reading single image files: odd but valid formats are converted faithfully, broken or animated
ones are refused in one line."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import PHOTO, write_bad_images
from PIL import Image

from ganforge.data.folder import read_image
from ganforge.errors import GanforgeError


def test_16_bit_grayscale_is_scaled_not_clipped(tmp_path: Path):
    values = np.linspace(0, 65535, 16 * 16).reshape(16, 16).astype(np.uint16)
    Image.fromarray(values).save(tmp_path / "deep.png")
    assert Image.open(tmp_path / "deep.png").mode.startswith("I")
    image = read_image(tmp_path / "deep.png")
    assert image.shape == (16, 16, 1) and image.dtype == np.uint8
    assert np.abs(image[..., 0].astype(float) - values / 257).max() <= 0.5  # Pillow's convert("L") would clip at 255
    assert image.min() == 0 and image.max() == 255 and len(np.unique(image)) > 200


def test_palette_and_alpha_images_become_rgb(tmp_path: Path):
    Image.fromarray(PHOTO).convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(tmp_path / "palette.png")
    Image.fromarray(PHOTO).convert("RGBA").save(tmp_path / "alpha.png")
    palette = read_image(tmp_path / "palette.png")
    assert palette.shape == (24, 32, 3) and np.abs(palette.astype(int) - PHOTO).mean() < 40  # 64 colours
    assert np.array_equal(read_image(tmp_path / "alpha.png"), PHOTO)


def test_broken_and_animated_files_are_refused_in_one_line(tmp_path: Path):
    reasons = write_bad_images(tmp_path)
    for name in ("animated.gif", "cut.jpg"):
        with pytest.raises(GanforgeError, match=re.escape(reasons[name])) as error:
            read_image(tmp_path / name)
        assert "\n" not in str(error.value)
