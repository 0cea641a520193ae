"""The IDX format of MNIST and Fashion-MNIST, raw or gzipped (http://yann.lecun.com/exdb/mnist/)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from ganforge.data.base import ImageDataset
from ganforge.errors import GanforgeError

_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
# file stems of the two splits, as MNIST and Fashion-MNIST name them
SPLIT_STEMS = {"train": "train", "heldout": "t10k"}
DIGIT_NAMES = tuple(str(d) for d in range(10))
FASHION_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


def read_idx(path: str | Path) -> np.ndarray:
    """Read one IDX file (gzipped when its name ends in .gz) into a numpy array."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            data = handle.read()
    except (OSError, EOFError) as error:
        raise GanforgeError(f"cannot read IDX file {path} ({error}); the file is damaged, fetch it again") from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _DTYPES:
        raise GanforgeError(f"{path} is not an IDX file (bad magic number); pass MNIST-style IDX files")
    ndim = data[3]
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(_DTYPES[data[2]])
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(data) - header != expected:
        raise GanforgeError(f"{path} is truncated ({len(data) - header} of {expected} data bytes); fetch it again")
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def find_idx(folder: Path, stem: str) -> Path | None:
    """The file `stem` in `folder`, raw or .gz, if either exists."""
    for candidate in (folder / stem, folder / f"{stem}.gz"):
        if candidate.is_file():
            return candidate
    return None


def has_idx(folder: Path) -> bool:
    """Whether `folder` holds a train-images IDX file."""
    return find_idx(folder, "train-images-idx3-ubyte") is not None


def load_idx_folder(folder: str | Path, split: str, name: str, class_names: tuple[str, ...] = ()) -> ImageDataset:
    """Load `split` ('train' or 'heldout', the t10k files) from an MNIST-style IDX folder."""
    folder = Path(folder)
    stem = SPLIT_STEMS[split]
    images_path = find_idx(folder, f"{stem}-images-idx3-ubyte")
    labels_path = find_idx(folder, f"{stem}-labels-idx1-ubyte")
    if images_path is None:
        raise GanforgeError(
            f"no {stem}-images-idx3-ubyte[.gz] in {folder}; an IDX folder needs the MNIST file names"
        )
    images = read_idx(images_path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise GanforgeError(f"{images_path} holds {images.dtype} {images.shape}, expected uint8 (N, H, W) images")
    labels = None
    if labels_path is not None:
        labels = read_idx(labels_path).astype(np.int64)
        if labels.shape != (len(images),):
            raise GanforgeError(f"{labels_path} has {labels.shape} labels for {len(images)} images; use matching files")
        class_names = class_names or tuple(str(k) for k in range(int(labels.max()) + 1))
    return ImageDataset(name, images[..., None], labels, class_names if labels is not None else ())
