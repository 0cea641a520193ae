"""A disk cache of real-image features: the real side of an evaluation is computed once per data
set and feature network, so a second evaluation against the same data takes seconds.

The key hashes the image bytes themselves (not a path or a date), the network's weights and its
preprocessing, so a changed file or network can never be served stale features. A damaged cache
file is recomputed and rewritten, never trusted.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from ganforge.data.download import data_home
from ganforge.metrics.extractors import FeatureExtractor
from ganforge.utils.files import atomic_write

CacheStatus = Literal["hit", "miss", "rebuilt", "off"]


def cache_dir() -> Path:
    """Where cached features live: <data home>/features ($GANFORGE_DATA, else ~/.cache/ganforge)."""
    return data_home() / "features"


def cache_key(extractor: FeatureExtractor, images: np.ndarray) -> str:
    """Hex digest of the network identity, its preprocessing and the exact uint8 images."""
    digest = hashlib.sha256()
    digest.update(f"{extractor.name}|{extractor.sha256}|{extractor.preprocessing}|{images.shape}".encode())
    digest.update(np.ascontiguousarray(images).data)
    return digest.hexdigest()


def cached_features(
    extractor: FeatureExtractor, images: np.ndarray, *, folder: Path | None = None
) -> tuple[torch.Tensor, CacheStatus]:
    """Features of `images` from the cache in `folder` (None: no caching), computing and storing them
    when absent or damaged. Returns the features and what the cache did."""
    if folder is None:
        return extractor(images), "off"
    path = Path(folder) / f"{extractor.name}-{cache_key(extractor, images)[:32]}.safetensors"
    status: CacheStatus = "miss"
    if path.is_file():
        try:
            features = load_file(path)["features"]
            if features.shape == (len(images), extractor.dim):
                return features, "hit"
        except (SafetensorError, OSError, KeyError, ValueError):
            pass
        status = "rebuilt"
    features = extractor(images)
    atomic_write(path, lambda tmp: save_file({"features": features.contiguous()}, tmp))
    return features, status
