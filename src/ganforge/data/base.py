"""The in-memory image dataset that every loader in ganforge.data returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from ganforge.data.loader import BatchSampler
from ganforge.utils.images import from_uint8

SPLITS = ("train", "heldout", "all")  # the splits every dataset answers (load_dataset's `split`)


class ImageSource:
    """What training asks of a set of images however they are stored (in memory: ImageDataset; decoded
    batch by batch: data.streaming.StreamingImageFolder): classes, a per-step sampler, preview images."""

    labels: np.ndarray | None
    class_names: tuple[str, ...]

    def __len__(self) -> int:
        raise NotImplementedError

    def batch(self, indices: np.ndarray, rng: np.random.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Images (B, C, H, W) in [-1, 1] and labels (B,) or None."""
        raise NotImplementedError

    @property
    def num_classes(self) -> int:
        """Number of classes; 0 for unlabelled data."""
        return len(self.class_names) if self.labels is not None else 0

    def sampler(self, *, batch_size: int, seed: int, rank: int = 0, world_size: int = 1) -> BatchSampler:
        """The per-step index source of training."""
        return BatchSampler(num_items=len(self), batch_size=batch_size, seed=seed, rank=rank, world_size=world_size)

    def preview_batch(self, count: int) -> tuple[torch.Tensor, torch.Tensor | None]:
        """`count` images spread evenly over the data: the fixed real inputs of a sample grid."""
        return self.batch(np.linspace(0, len(self) - 1, min(count, len(self))).round().astype(np.int64))

    def prefetch(self, indices: np.ndarray) -> None:
        """Start preparing the batch of `indices` (the next step's); nothing to do for images in memory."""


@dataclass(frozen=True, eq=False)
class ImageDataset(ImageSource):
    """Images held as uint8 (N, H, W, C) with optional integer labels.

    uint8 storage keeps 70,000 Fashion-MNIST images at 55 MB; batches become float in [-1, 1]
    only when drawn (`batch`).
    """

    name: str  # how the data was named by the user: "mnist-5k", a folder path...
    images: np.ndarray  # uint8 (N, H, W, C)
    labels: np.ndarray | None = None  # int64 (N,), or None for unlabelled data
    class_names: tuple[str, ...] = field(default_factory=tuple)  # label k is class_names[k]
    # names for several classes at once, asked for at sample time ("male": the male classes of a sex+age
    # labelling); recorded in checkpoints with the class names
    class_groups: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def __post_init__(self):
        if self.images.dtype != np.uint8 or self.images.ndim != 4:
            raise ValueError(f"images must be uint8 (N, H, W, C), got {self.images.dtype} {self.images.shape}")
        if self.labels is not None and len(self.labels) != len(self.images):
            raise ValueError("labels and images differ in length")

    def __len__(self) -> int:
        return len(self.images)

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """(C, H, W) as the networks see it."""
        _, height, width, channels = self.images.shape
        return channels, height, width

    def batch(self, indices: np.ndarray | torch.Tensor, rng: np.random.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Images (B, C, H, W) float32 in [-1, 1] and labels (B,) int64 (or None); no augmentation, so `rng` is unused."""
        indices = np.asarray(indices)
        labels = None if self.labels is None else torch.from_numpy(self.labels[indices])
        return from_uint8(self.images[indices]), labels

    def subset(self, indices: np.ndarray, name: str | None = None) -> ImageDataset:
        """A dataset of the given rows."""
        labels = None if self.labels is None else self.labels[indices]
        return ImageDataset(name or self.name, self.images[indices], labels, self.class_names, self.class_groups)

    def describe(self) -> dict:
        """A JSON-ready summary recorded in checkpoints."""
        channels, height, width = self.image_shape
        return {
            "name": self.name,
            "num_images": len(self),
            "image_shape": [channels, height, width],
            "num_classes": self.num_classes,
            "class_names": list(self.class_names),
            **({"class_groups": {name: list(group) for name, group in self.class_groups.items()}}
               if self.class_groups else {}),
        }
