"""`moving-mnist`: short clips of two real handwritten digits moving in a 64x64 frame (Srivastava et al.
2015's Moving MNIST), made on the fly from mnist-5k's real digits, so nothing is downloaded.

The usual rules: each clip has FRAMES frames of SIDE x SIDE pixels and two 28x28 digits; each digit
starts at a random place, moves at a constant speed (SPEED pixels per frame, a random direction) and
bounces off the borders (the velocity's component across the border is reversed); where the digits
overlap the brighter pixel is kept. Clip k of a split is drawn from a NumPy generator seeded with
(SEED, split, k), so every run, machine and process sees the same clips; a split has CLIPS of them.

The held-out clips are made from mnist-5k's held-out digits (100 per class, never trained on), the
training clips from its training digits: a model never sees a held-out digit's shape. Each clip
remembers which digits it holds and where their centres are in every frame (`Clip`), for the motion
and identity measures of metrics/video.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from ganforge.data.base import ImageSource
from ganforge.data.mnist5k import load_mnist5k
from ganforge.errors import GanforgeError

NAME = "moving-mnist"
FRAMES = 16
SIDE = 64
DIGIT = 28
DIGITS_PER_CLIP = 2
SPEED = (2.0, 5.0)  # pixels per frame, uniform
SEED = 2015
CLIPS = {"train": 20_000, "heldout": 1_000, "all": 21_000}
_SPLIT_CODE = {"train": 0, "heldout": 1, "all": 2}


def is_moving_mnist_spec(spec: str) -> bool:
    """Whether `spec` names the Moving MNIST clips."""
    return spec == NAME


@dataclass(frozen=True)
class Clip:
    """One clip: its frames, the digits it holds and where their centres are in each frame."""

    frames: np.ndarray  # uint8 (FRAMES, SIDE, SIDE)
    digits: np.ndarray  # int64 (DIGITS_PER_CLIP,): the classes of its digits
    centres: np.ndarray  # float64 (FRAMES, DIGITS_PER_CLIP, 2): (row, column) of each digit's box centre


def bounce(position: float, velocity: float, limit: float) -> tuple[float, float]:
    """One frame's move along one axis in [0, limit], reflected at both ends."""
    position += velocity
    while position < 0 or position > limit:  # a fast digit may reflect twice on a short side
        if position < 0:
            position, velocity = -position, -velocity
        else:
            position, velocity = 2 * limit - position, -velocity
    return position, velocity


def make_clip(digits: np.ndarray, classes: np.ndarray, rng: np.random.Generator, *, frames: int = FRAMES,
              side: int = SIDE) -> Clip:
    """A clip of DIGITS_PER_CLIP digits picked by `rng` from uint8 `digits` (N, 28, 28)."""
    limit = side - DIGIT
    picks = rng.choice(len(digits), size=DIGITS_PER_CLIP, replace=False)
    position = rng.uniform(0, limit, size=(DIGITS_PER_CLIP, 2))
    angle = rng.uniform(0, 2 * np.pi, size=DIGITS_PER_CLIP)
    speed = rng.uniform(*SPEED, size=DIGITS_PER_CLIP)
    velocity = np.stack([speed * np.sin(angle), speed * np.cos(angle)], axis=1)
    canvas = np.zeros((frames, side, side), np.uint8)
    centres = np.zeros((frames, DIGITS_PER_CLIP, 2))
    for t in range(frames):
        for k, pick in enumerate(picks):
            row, col = (round(v) for v in position[k])
            window = canvas[t, row : row + DIGIT, col : col + DIGIT]
            np.maximum(window, digits[pick], out=window)
            centres[t, k] = (row + DIGIT / 2, col + DIGIT / 2)
            for axis in range(2):
                position[k, axis], velocity[k, axis] = bounce(position[k, axis], velocity[k, axis], limit)
    return Clip(canvas, classes[picks].astype(np.int64), centres)


@dataclass(frozen=True, eq=False)
class MovingMNIST(ImageSource):
    """The clips of one split, made on demand (module doc). batch() gives (B, 1, FRAMES, SIDE, SIDE) in [-1, 1]:
    channels first, then time, as 3-D convolutions read them."""

    name: str
    split: str
    digits: np.ndarray  # uint8 (N, 28, 28): the real digits clips are made of
    digit_labels: np.ndarray  # int64 (N,)
    clips: int
    frames: int = FRAMES
    side: int = SIDE
    labels: None = None
    class_names: tuple[str, ...] = field(default_factory=tuple)
    representation: str = "video"

    def __len__(self) -> int:
        return self.clips

    @property
    def image_shape(self) -> tuple[int, int, int, int]:
        """(channels, frames, height, width) of a clip."""
        return 1, self.frames, self.side, self.side

    def clip(self, index: int) -> Clip:
        """Clip `index` of the split, the same every time."""
        if not 0 <= index < self.clips:
            raise IndexError(f"clip {index} of {self.clips}")
        rng = np.random.default_rng([SEED, _SPLIT_CODE[self.split], int(index)])
        return make_clip(self.digits, self.digit_labels, rng, frames=self.frames, side=self.side)

    def batch(self, indices: np.ndarray, rng: np.random.Generator | None = None) -> tuple[torch.Tensor, None]:
        """Clips (B, 1, FRAMES, SIDE, SIDE) in [-1, 1]; no labels."""
        frames = np.stack([self.clip(int(index)).frames for index in np.asarray(indices)])
        return torch.from_numpy(frames).float().div(127.5).sub(1)[:, None], None

    def describe(self) -> dict:
        """A JSON-ready summary recorded in checkpoints."""
        return {"name": self.name, "clips": self.clips, "image_shape": list(self.image_shape),
                "representation": self.representation, "digits": len(self.digits), "num_classes": 0,
                "class_names": []}


def load_moving_mnist(split: str = "train", *, frames: int = FRAMES, clips: int | None = None) -> MovingMNIST:
    """The clips of `split` ('train', 'heldout' or 'all'), made of mnist-5k's digits of the same split."""
    if split not in CLIPS:
        raise GanforgeError(f"unknown split {split!r}; use train, heldout or all")
    if frames < 2:
        raise GanforgeError("a clip needs at least 2 frames")
    digits = load_mnist5k(split)
    return MovingMNIST(NAME, split, digits.images[..., 0], digits.labels.astype(np.int64),
                       CLIPS[split] if clips is None else clips, frames)
