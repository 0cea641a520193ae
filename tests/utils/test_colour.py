"""Lab conversion round trips on real photos, and the colour measures on images of known colour."""

from __future__ import annotations

import numpy as np
import pytest

from ganforge.metrics.colour import COLOUR_METRICS, colourfulness, hue_accuracy, psnr_ab
from ganforge.utils.colour import compose, lab_tensors_to_rgb, normalise_lab, rgb_to_lab

skimage_data = pytest.importorskip("skimage.data")


@pytest.mark.parametrize("name", ["astronaut", "coffee", "chelsea"])
def test_lab_round_trip_of_real_photos(name):
    photo = getattr(skimage_data, name)()
    lab = rgb_to_lab(photo)
    assert lab[..., 0].min() >= 0 and lab[..., 0].max() <= 100 and np.abs(lab[..., 1:]).max() < 110
    back = compose(lab[..., 0], lab[..., 1:])
    assert np.abs(back.astype(int) - photo).max() <= 1  # float32 Lab, then rounding to 8 bits
    lightness, chroma = normalise_lab(lab[None])
    assert lightness.shape == (1, 1) + photo.shape[:2] and chroma.shape == (1, 2) + photo.shape[:2]
    assert lightness.abs().max() <= 1 and chroma.abs().max() < 1
    shown = lab_tensors_to_rgb(lightness, chroma)  # the training preview's path back to RGB
    assert np.abs(((shown[0].permute(1, 2, 0).numpy() + 1) * 127.5).round() - photo).max() <= 1


def test_zero_chroma_is_the_gray_of_the_same_lightness():
    photo = skimage_data.astronaut()
    lab = rgb_to_lab(photo)
    gray = compose(lab[..., 0], np.zeros(photo.shape[:2] + (2,), np.float32))
    assert np.abs(gray[..., 0].astype(int) - gray[..., 2]).max() <= 1  # R = G = B up to rounding
    assert np.abs(rgb_to_lab(gray)[..., 0] - lab[..., 0]).max() < 0.5
    assert colourfulness(gray) < 0.5 and colourfulness(photo) > 20


def test_colour_measures_on_known_colours():
    photo = skimage_data.coffee()
    gray = compose(rgb_to_lab(photo)[..., 0], np.zeros(photo.shape[:2] + (2,), np.float32))
    assert psnr_ab(photo, photo) == float("inf")
    assert psnr_ab(gray, photo) < psnr_ab(photo[..., [0, 1, 2]] // 2 * 2, photo)  # no colour is far, rounding near
    assert hue_accuracy(photo, photo) == 1.0
    assert hue_accuracy(gray, photo) == 0.0  # gray has no hue to be right about
    swapped = photo[..., [2, 1, 0]]  # red <-> blue turns the hues
    assert hue_accuracy(swapped, photo) < 0.5
    assert np.isnan(hue_accuracy(gray, gray))  # nothing saturated to judge
    assert set(COLOUR_METRICS) == {"psnr_ab", "colourfulness", "hue_accuracy"}
    # ordered as Hasler & Suesstrunk's scale: gray < a muted copy < the photo
    muted = compose(rgb_to_lab(photo)[..., 0], rgb_to_lab(photo)[..., 1:] * 0.3)
    assert colourfulness(gray) < colourfulness(muted) < colourfulness(photo)
    with pytest.raises(ValueError, match="uint8 RGB"):
        psnr_ab(photo[..., :1], photo[..., :1])


def test_gamut_chroma_keeps_lightness_and_hue():
    from ganforge.utils.colour import gamut_chroma

    lightness = np.array([[90.0, 50.0, 30.0]])
    chroma = np.array([[[0.0, -100.0], [20.0, 10.0], [-80.0, 80.0]]])  # light blue and dark green: impossible
    fitted = gamut_chroma(lightness, chroma)
    assert np.allclose(fitted[0, 1], chroma[0, 1])  # an sRGB colour is left alone
    for index in (0, 2):
        scale = np.linalg.norm(fitted[0, index]) / np.linalg.norm(chroma[0, index])
        assert 0 < scale < 1 and np.allclose(fitted[0, index] / scale, chroma[0, index])  # hue kept
    clipped = rgb_to_lab(compose(lightness, chroma))[..., 0]  # what clipping R, G, B does to L*
    kept = rgb_to_lab(compose(lightness, fitted))[..., 0]
    assert np.abs(kept - lightness).max() < 0.6 < np.abs(clipped - lightness).max()
