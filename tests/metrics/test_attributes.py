"""The stroke attributes on drawn shapes whose thickness, slant and extent are known."""

import numpy as np
import pytest
import torch

from ganforge.errors import GanforgeError
from ganforge.metrics.attributes import (
    SOFT_ATTRIBUTES,
    measure_attributes,
    slant,
    soft_slant,
    soft_thickness,
    thickness,
)


def bar(width: int, *, length: int = 20, shear: float = 0.0, side: int = 32) -> np.ndarray:
    """A white vertical bar on black, its top shifted `shear` pixels right per pixel up."""
    image = np.zeros((side, side), np.uint8)
    top = (side - length) // 2
    for row in range(top, top + length):
        up = (top + length - 1) - row  # 0 at the bottom row
        left = round(side / 2 - width / 2 + shear * (up - length / 2))
        image[row, left : left + width] = 255
    return image


@pytest.mark.parametrize("width", [1, 2, 3, 4, 6])
def test_thickness_of_bars_is_their_width(width):
    measured = thickness(bar(width)[None])[0]
    # the skeleton is shorter than the bar by about the width (it stops short of the ends)
    assert width * 0.95 <= measured <= width * 20 / max(20 - width, 1) * 1.05


def test_thickness_orders_strokes():
    values = thickness(np.stack([bar(w) for w in (1, 2, 3, 4, 5, 6)]))
    assert np.all(np.diff(values) > 0)


@pytest.mark.parametrize("shear", [-0.5, -0.2, 0.0, 0.3, 0.6])
def test_slant_recovers_the_shear(shear):
    assert slant(bar(3, shear=shear)[None])[0] == pytest.approx(shear, abs=0.05)


def test_width_and_height_of_a_rectangle():
    image = np.zeros((1, 28, 28), np.uint8)
    image[0, 5:17, 9:14] = 200  # 12 rows, 5 columns
    measured = measure_attributes(image, ("width", "height"))
    assert measured["width"][0] == 5 and measured["height"][0] == 12


def test_tensors_in_minus_one_to_one_measure_as_uint8():
    images = np.stack([bar(2, shear=0.3), bar(5)])
    as_tensor = torch.from_numpy(images).float()[:, None] / 127.5 - 1
    for name in ("thickness", "slant", "width", "height"):
        assert np.allclose(measure_attributes(images, (name,))[name], measure_attributes(as_tensor, (name,))[name])


def test_an_empty_image_is_nan_not_an_error():
    measured = measure_attributes(np.zeros((2, 28, 28), np.uint8), ("thickness", "slant", "width", "height"))
    assert all(np.isnan(values).all() for values in measured.values())


def test_unknown_attribute_names_the_known_ones():
    with pytest.raises(GanforgeError, match="thickness"):
        measure_attributes(np.zeros((1, 28, 28), np.uint8), ("thicknes",))


def as_model_images(images: np.ndarray) -> torch.Tensor:
    """uint8 (N, H, W) -> floats (N, 1, H, W) in [-1, 1], what a generator draws."""
    return torch.from_numpy(images).float()[:, None] / 127.5 - 1


@pytest.mark.parametrize("width", [1, 2, 3, 4, 6])
def test_soft_thickness_of_bars_is_their_width(width):
    measured = float(soft_thickness(as_model_images(bar(width)[None]))[0])
    # 2 x area / perimeter = 2 w L / (2 (w + L)): the ends make a bar of length L read a little thin
    assert measured == pytest.approx(width * 20 / (width + 20), rel=0.1)


@pytest.mark.parametrize("shear", [-0.5, -0.2, 0.0, 0.3, 0.6])
def test_soft_slant_recovers_the_shear(shear):
    assert float(soft_slant(as_model_images(bar(3, shear=shear)[None]))[0]) == pytest.approx(shear, abs=0.05)


def test_soft_attributes_track_the_measured_ones_on_real_digits_and_have_gradients():
    from ganforge.data import load_dataset

    digits = load_dataset("mnist-5k", "heldout").images[:300]
    images = as_model_images(digits[..., 0]).requires_grad_(True)
    for name, soft in (("thickness", soft_thickness), ("slant", soft_slant)):
        measured = measure_attributes(digits, (name,))[name]
        values = soft(images)
        assert np.corrcoef(measured, values.detach().numpy())[0, 1] > 0.9, name
        (gradient,) = torch.autograd.grad(values.sum(), images)
        assert torch.isfinite(gradient).all() and gradient.abs().sum() > 0, name
    assert "hue" not in SOFT_ATTRIBUTES and "slant" in SOFT_ATTRIBUTES
