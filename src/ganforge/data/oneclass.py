"""The one-class view of a labelled dataset, for anomaly detection: some classes are normal, the rest
anomalous. A detector trains on normal training images only; it is tested on the whole held-out
split, labelled 1 (anomalous) or 0 (normal).

    train       the normal images of a training split, minus every VALIDATION_EVERY-th one (by position)
    validation  those held-back normal training images: thresholds and any model choice are made on
                them, never on the test images
    test        every image of a held-out split, labels 1 = anomalous, 0 = normal

No anomalous image can reach `train` or `validation` (tested).

Users' own data: a folder with exactly two subfolders, `normal/` and `anomalous/` (anomalib's Folder
layout), is a labelled dataset of its own with classes 0 = normal (the anomaly presets' default
--normal) and 1 = anomalous, split here: every FOLDER_TEST_EVERY-th normal image (by file name) and
every anomalous image form the held-out split; the other normal images the training split.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ganforge.data.base import ImageDataset
from ganforge.data.folder import load_image_folder
from ganforge.errors import GanforgeError

VALIDATION_EVERY = 10
PARTS = ("train", "validation", "test")
FOLDER_TEST_EVERY = 5
FOLDER_CLASSES = ("normal", "anomalous")


def is_normal_anomalous_folder(path: Path) -> bool:
    """Whether `path` holds exactly the subfolders normal/ and anomalous/."""
    if not path.is_dir():
        return False
    subfolders = {p.name.lower() for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")}
    return subfolders == set(FOLDER_CLASSES)


def load_normal_anomalous(path: Path, split: str) -> ImageDataset:
    """The `split` ('train', 'heldout' or 'all') of a normal/ + anomalous/ folder (see the module doc)."""
    data = load_image_folder(path)
    names = [name.lower() for name in data.class_names]
    labels = np.array([FOLDER_CLASSES.index(names[label]) for label in data.labels], dtype=np.int64)
    data = ImageDataset(data.name, data.images, labels, FOLDER_CLASSES)
    if split == "all":
        return data
    normal_rows = np.flatnonzero(labels == 0)
    test_normal = normal_rows[np.arange(len(normal_rows)) % FOLDER_TEST_EVERY == 0]
    held_out = np.isin(np.arange(len(data)), test_normal) | (labels == 1)
    if split == "train" and not (~held_out).any():
        raise GanforgeError(f"{path}/normal holds too few images to train on; put at least {FOLDER_TEST_EVERY} in it")
    return data.subset(np.flatnonzero(held_out if split == "heldout" else ~held_out), f"{data.name} ({split})")


def check_normal(data: ImageDataset, normal: tuple[int, ...]) -> None:
    """Refuse a one-class view the data cannot give: no labels, unknown classes, every class normal."""
    if data.labels is None:
        raise GanforgeError(f"--normal needs class labels, but {data.name} has none; use a labelled dataset or a "
                            "folder with one subfolder per class")
    unknown = [c for c in normal if not 0 <= c < data.num_classes]
    if unknown:
        raise GanforgeError(f"--normal {unknown[0]}: {data.name} has classes 0 to {data.num_classes - 1}")
    if len(set(normal)) >= data.num_classes:
        raise GanforgeError(f"--normal names every class of {data.name}: nothing would be anomalous; leave at least "
                            "one class out")


def one_class(data: ImageDataset, normal: tuple[int, ...], part: str) -> ImageDataset:
    """The `part` ('train', 'validation' or 'test', see the module doc) of `data` with `normal` classes."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}")
    check_normal(data, normal)
    is_normal = np.isin(data.labels, normal)
    name = f"{data.name} (normal: {','.join(map(str, normal))}; {part})"
    if part == "test":
        anomalous = (~is_normal).astype(np.int64)
        return ImageDataset(name, data.images, anomalous, ("normal", "anomalous"))
    rows = np.flatnonzero(is_normal)
    held_back = np.arange(len(rows)) % VALIDATION_EVERY == 0
    rows = rows[held_back] if part == "validation" else rows[~held_back]
    return data.subset(rows, name)
