"""An image folder too large to hold in memory, decoded batch by batch while the previous step trains.

`load_image_folder` holds every image as uint8; a folder of 70,000 256x256 photos would take 14 GB.
`StreamingImageFolder` keeps only the file list: each batch is decoded when the trainer asks for it
(threads: Pillow releases the GIL while it decodes), and the trainer asks for the next step's batch
ahead (`prefetch`), so decoding overlaps training. Batches are a pure function of the step's indices
and come back in index order, so a resumed run sees exactly the batches it would have, and a streamed
run trains to the same weights as the same folder held in memory (tested).

Which one a training gets: `[preprocess] stream` = "auto" streams when the decoded images would
take more than STREAM_BUDGET (the smaller of 4 GB and a quarter of the free memory), "always" and
"never" decide it outright.
"""

from __future__ import annotations

import dataclasses
import math
import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import torch

from ganforge.data.base import ImageDataset, ImageSource
from ganforge.data.cache import decoded_folder, square_image
from ganforge.data.folder import _open, folder_files, load_image_folder, read_image
from ganforge.errors import GanforgeError
from ganforge.utils.images import from_uint8
from ganforge.utils.memory import available_bytes

STREAM_BUDGET_MAX = 4 << 30
STREAM_BUDGET_SHARE = 0.25
DECODE_THREADS = max(1, min(8, os.cpu_count() or 1))
_CHANNELS = {"1": 1, "L": 1, "LA": 1, "I": 1, "I;16": 1, "I;16B": 1, "I;16L": 1}  # others decode to RGB


def stream_budget() -> int:
    """Bytes of decoded images above which "auto" streams a folder."""
    return int(min(STREAM_BUDGET_MAX, STREAM_BUDGET_SHARE * available_bytes()))


def resize_dataset(data: ImageDataset, size: int, fit: str = "centre-crop", filter: str = "bicubic") -> ImageDataset:
    """Every image made a `size` square (by default scaled, bicubic, so its shorter side is `size`, then
    centre-cropped): MNIST's 28x28 digits become the 32x32 a StyleGAN2 of resolution 32 draws."""
    _, height, width = data.image_shape
    if height == width == size:
        return data
    return dataclasses.replace(data, images=np.stack([square_image(image, size, fit, filter) for image in data.images]))


def header_shapes(files: list[Path]) -> list[tuple[int, int, int]]:
    """(H, W, C) of each image from its header alone (no pixels decoded)."""
    shapes = []
    for path in files:
        try:
            with _open(path) as image:
                width, height = image.size
                shapes.append((height, width, _CHANNELS.get(image.mode, 3)))
        except (OSError, SyntaxError, ValueError) as error:
            raise GanforgeError(f"{path} is not a readable image ({error}); remove or replace it") from None
    return shapes


class StreamingImageFolder(ImageSource):
    """The training side of an ImageDataset (sampler, batch, describe) over files decoded on demand."""

    def __init__(self, name: str, files: list[Path], labels: np.ndarray | None, class_names: tuple[str, ...],
                 shape: tuple[int, int, int], load_size: int = 0):
        self.name = name
        self.files = list(files)
        self.labels = labels
        self.class_names = class_names
        self.load_size = load_size
        self._shape = shape  # (H, W, C) after load_size
        self._pool = ThreadPoolExecutor(DECODE_THREADS, thread_name_prefix="ganforge-decode")
        self._ahead: tuple[bytes, Future] | None = None  # the batch decoding for the next step

    def __len__(self) -> int:
        return len(self.files)

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """(C, H, W) as the networks see it."""
        height, width, channels = self._shape
        return channels, height, width

    def _decode(self, index: int) -> np.ndarray:
        path = self.files[index]
        image = read_image(path)
        if self.load_size:
            image = square_image(image, self.load_size)
        if image.shape != self._shape:
            raise GanforgeError(f"{path} decodes to {image.shape[1]}x{image.shape[0]}x{image.shape[2]}, not the "
                                f"folder's {self._shape[1]}x{self._shape[0]}x{self._shape[2]}; convert it or remove it")
        return image

    def _decode_all(self, indices: np.ndarray) -> np.ndarray:
        return np.stack(list(self._pool.map(self._decode, indices.tolist())))

    def prefetch(self, indices: np.ndarray) -> None:
        """Start decoding the batch of `indices` (the next step's) in the background."""
        indices = np.asarray(indices)
        self._ahead = (indices.tobytes(), self._pool.submit(self._decode_all, indices))

    def batch(self, indices: np.ndarray | torch.Tensor, rng: np.random.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Images (B, C, H, W) float32 in [-1, 1] and labels (B,) int64 (or None), in index order."""
        indices = np.asarray(indices)
        ahead, self._ahead = self._ahead, None
        images = ahead[1].result() if ahead is not None and ahead[0] == indices.tobytes() else self._decode_all(indices)
        labels = None if self.labels is None else torch.from_numpy(self.labels[indices])
        return from_uint8(images), labels

    def describe(self) -> dict:
        """A JSON-ready summary recorded in checkpoints."""
        channels, height, width = self.image_shape
        return {"name": self.name, "num_images": len(self), "image_shape": [channels, height, width],
                "num_classes": self.num_classes, "class_names": list(self.class_names), "streamed": True}


def load_image_folder_for_training(folder: str | Path, load_size: int = 0, stream: str = "auto", *,
                                   fit: str = "centre-crop", resize_filter: str = "bicubic",
                                   on_note=None) -> ImageDataset | StreamingImageFolder:
    """An image folder for training. With a `load_size`: decoded once at that size into the memory-mapped
    cache of ganforge.data.cache (images of any size and mode become load_size squares by `fit` and
    `resize_filter`), or, with stream = "always", decoded batch by batch. Without one: in memory, or
    streamed when too large (see the module doc); sizes are read from the headers first, so a folder of
    mixed sizes is refused before any pixel is decoded."""
    folder = Path(folder)
    files, labels, class_names = folder_files(folder)
    shapes = header_shapes(files)
    if load_size and stream != "always":
        channels = 3 if any(shape[2] == 3 for shape in shapes) else 1
        images = decoded_folder(files, folder, load_size, channels, fit=fit, filter=resize_filter, on_note=on_note)
        return ImageDataset(str(folder), images, labels, class_names)
    if load_size:  # streamed at that size
        channels = {shape[2] for shape in shapes}
        if len(channels) > 1:
            raise GanforgeError(f"{folder} mixes grayscale and colour images; convert them to one mode")
        return StreamingImageFolder(str(folder), files, labels, class_names, (load_size, load_size, channels.pop()),
                                    load_size)
    if len(set(shapes)) > 1:
        first, other = shapes[0], next(s for s in shapes if s != shapes[0])
        raise GanforgeError(f"mixed image sizes or modes in {folder}: {first[1]}x{first[0]} and {other[1]}x"
                            f"{other[0]}; convert all images to one size and mode, or set load_size in [preprocess]")
    if stream == "always" or (stream == "auto" and len(files) * math.prod(shapes[0]) > stream_budget()):
        return StreamingImageFolder(str(folder), files, labels, class_names, shapes[0])
    return load_image_folder(folder)
