"""The real-feature cache: hits, misses keyed by content, and damaged files rebuilt."""

from __future__ import annotations

import numpy as np
import torch

from ganforge.metrics.cache import cached_features


class CountingExtractor:
    """Mean brightness and its square as 2-d 'features', counting how often it runs."""

    name, dim, preprocessing, sha256 = "counting", 2, "none", "0" * 64

    def __init__(self):
        self.calls = 0

    def __call__(self, images: np.ndarray) -> torch.Tensor:
        self.calls += 1
        mean = torch.from_numpy(images.reshape(len(images), -1).mean(1)).double()
        return torch.stack([mean, mean**2], dim=1)


def _images(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (5, 8, 8, 1), dtype=np.uint8)


def test_second_call_is_served_from_disk(tmp_path):
    extractor = CountingExtractor()
    first, status = cached_features(extractor, _images(0), folder=tmp_path)
    again, status_again = cached_features(extractor, _images(0), folder=tmp_path)
    assert (status, status_again) == ("miss", "hit") and extractor.calls == 1
    assert torch.equal(first, again)


def test_other_pixels_are_another_entry(tmp_path):
    extractor = CountingExtractor()
    cached_features(extractor, _images(0), folder=tmp_path)
    changed = _images(0)
    changed[0, 0, 0, 0] ^= 1  # one bit of one pixel
    _, status = cached_features(extractor, changed, folder=tmp_path)
    assert status == "miss" and extractor.calls == 2


def test_damaged_cache_is_rebuilt_not_trusted(tmp_path):
    extractor = CountingExtractor()
    expected, _ = cached_features(extractor, _images(1), folder=tmp_path)
    (entry,) = tmp_path.iterdir()
    entry.write_bytes(entry.read_bytes()[:20])  # truncated, as by a full disk
    features, status = cached_features(extractor, _images(1), folder=tmp_path)
    assert status == "rebuilt" and torch.equal(features, expected)
    _, status = cached_features(extractor, _images(1), folder=tmp_path)
    assert status == "hit"


def test_no_folder_means_no_cache(tmp_path):
    extractor = CountingExtractor()
    cached_features(extractor, _images(0), folder=None)
    _, status = cached_features(extractor, _images(0), folder=None)
    assert status == "off" and extractor.calls == 2
