"""Data for image-to-image translation: two domains A and B, paired (pix2pix) or unpaired (CycleGAN).

Layouts read from a folder (those of junyanz/pytorch-CycleGAN-and-pix2pix):
    unpaired   DIR/trainA/ DIR/trainB/ (held out: DIR/testA/ DIR/testB/)
    paired     DIR/A/ DIR/B/ with matching file names (optionally DIR/A/train/, DIR/A/test/ ...)
    aligned    DIR/train/ (held out: DIR/test/ or DIR/val/) of side-by-side A|B images
    one domain a plain image folder, with preprocess.derive_input building A from each image
               ("lab": colourisation as A = lightness L*, B = chroma a*b* (ganforge.utils.colour);
               "grayscale": colourisation from luma to RGB; "mask": completion)
Images may have any size: `load_size` scales each one on loading, `crop_size` cuts a random
square per batch (the same square from both images of a pair), `flip` mirrors at random and
`rotate` adds top-bottom mirroring and 90-degree turns.
Everything random comes from the rng the trainer passes per step, so a resumed run sees the
very same batches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ganforge.data.folder import list_images, read_image
from ganforge.data.loader import BatchSampler
from ganforge.data.resize import KERNELS, downscale
from ganforge.errors import GanforgeError
from ganforge.utils.colour import normalise_lab, rgb_to_lab
from ganforge.utils.images import from_uint8

DERIVED_INPUTS = ("", "lab", "grayscale", "mask", "downscale")


@dataclass(frozen=True)
class PreprocessConfig:
    """How images are prepared. Noise-to-image families use load_size only (a square of that side)."""

    load_size: int = 0  # on loading, scale each image so its shorter side is this (bicubic); 0 keeps it
    crop_size: int = 0  # random square crop of this side per batch (centre crop for previews); 0: whole images
    flip: bool = True  # mirror left-right at random while training
    rotate: bool = False  # also mirror top-bottom and turn square images by 90 degrees at random (BasicSR's use_rot)
    # build A from each image: "lab" (colourise: L* -> a*b*), "grayscale" (luma -> RGB), "mask" (complete),
    # "downscale" (super-resolution); "": read A
    derive_input: str = ""
    scale: int = 4  # "downscale": A is the image shrunk this many times
    kernel: str = "bicubic"  # "downscale" kernel: "bicubic" (Pillow) or "matlab" (imresize, as published SR tables)
    # image folders for noise-to-image training: "auto" decodes batch by batch when the decoded images would not
    # fit the memory budget (ganforge.data.streaming), "always" / "never" decide it outright
    stream: str = "auto"
    # anomaly detection: the classes that are normal; training sees only their images (ganforge.data.oneclass)
    normal: tuple[int, ...] = ()
    # audio given to image families as spectrograms: "decibels" (fixed -80..+20 dB to [-1, 1]) or "per-bin"
    # (SpecGAN's: each frequency bin standardised by its statistics over the training clips)
    spectrogram: str = "decibels"
    # photos of another size than the model's, or of mixed sizes, made square: "centre-crop" (the shorter side
    # scaled to the size, the centre kept) or "stretch"; with this Pillow filter (ganforge.data.cache.FILTERS)
    fit: str = "centre-crop"
    resize_filter: str = "bicubic"

    def __post_init__(self):
        if self.load_size < 0 or self.crop_size < 0:
            raise ValueError("load_size and crop_size must be >= 0")
        if self.derive_input not in DERIVED_INPUTS:
            raise ValueError(f"derive_input must be one of {DERIVED_INPUTS}, not {self.derive_input!r}")
        if self.stream not in ("auto", "always", "never"):
            raise ValueError(f"stream must be \"auto\", \"always\" or \"never\", not {self.stream!r}")
        if self.spectrogram not in ("decibels", "per-bin"):
            raise ValueError(f"spectrogram must be \"decibels\" or \"per-bin\", not {self.spectrogram!r}")
        if self.fit not in ("centre-crop", "stretch"):
            raise ValueError(f"fit must be \"centre-crop\" or \"stretch\", not {self.fit!r}")
        if self.resize_filter not in ("bicubic", "lanczos", "bilinear", "box", "nearest"):
            raise ValueError("resize_filter must be one of bicubic, lanczos, bilinear, box, nearest")
        if self.kernel not in KERNELS or self.scale < 1:
            raise ValueError(f"kernel must be one of {KERNELS} and scale >= 1")
        if self.derive_input == "downscale" and self.crop_size % self.scale:
            raise ValueError(f"crop_size {self.crop_size} must be a multiple of scale {self.scale}")


def to_grayscale(images: torch.Tensor) -> torch.Tensor:
    """(B, 3, H, W) -> (B, 1, H, W) luma with ITU-R 601 weights (as Pillow's "L" conversion)."""
    weights = torch.tensor([0.299, 0.587, 0.114], device=images.device).view(1, 3, 1, 1)
    return (images * weights).sum(dim=1, keepdim=True)


def masked_input(images: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The completion network's input: the image with the hole set to 0 (mid-grey), plus the
    mask as a last channel (1 = missing, -1 = known). images (B, C, H, W), mask (B, 1, H, W) in {0, 1}."""
    return torch.cat([images * (1 - mask), mask * 2 - 1], dim=1)


def random_masks(count: int, size: tuple[int, int], rng: np.random.Generator) -> torch.Tensor:
    """(count, 1, H, W) masks, each one rectangle with sides from 1/4 to 1/2 of the image's."""
    height, width = size
    masks = torch.zeros(count, 1, height, width)
    for mask in masks:
        h = int(rng.integers(height // 4, height // 2 + 1))
        w = int(rng.integers(width // 4, width // 2 + 1))
        top, left = int(rng.integers(0, height - h + 1)), int(rng.integers(0, width - w + 1))
        mask[:, top : top + h, left : left + w] = 1
    return masks


class UnpairedSampler:
    """Independent shuffles of A and B: indices (B, 2) of (A index, B index) for any step."""

    def __init__(self, *, sizes: tuple[int, int], batch_size: int, seed: int, rank: int = 0, world_size: int = 1):
        self.samplers = [
            BatchSampler(num_items=n, batch_size=batch_size, seed=seed + offset, rank=rank, world_size=world_size)
            for offset, n in enumerate(sizes)
        ]

    def indices(self, step: int) -> np.ndarray:
        """This rank's (A, B) index pairs for `step`."""
        return np.stack([sampler.indices(step) for sampler in self.samplers], axis=1)


@dataclass(frozen=True, eq=False)
class TranslationDataset:
    """Images of domain A and domain B as uint8 (H, W, C) arrays of any size."""

    name: str  # how the user named the data: "digit-styles", a folder path...
    images_a: tuple[np.ndarray, ...]  # empty when preprocess.derive_input builds A from B
    images_b: tuple[np.ndarray, ...]
    paired: bool  # images_a[i] belongs with images_b[i]
    preprocess: PreprocessConfig = PreprocessConfig()
    labels_a: np.ndarray | None = None  # class of each A image, when known (the digit demo)
    labels_b: np.ndarray | None = None
    names_a: tuple[str, ...] = field(default_factory=tuple)  # file names, when read from files
    names_b: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self):
        derive = self.preprocess.derive_input
        if not self.images_b:
            raise GanforgeError(f"{self.name} has no images in domain B")
        if derive and not self.paired:
            raise ValueError("derived inputs make paired data")
        if self.paired and self.images_a and not derive and len(self.images_a) != len(self.images_b):
            raise ValueError("paired domains differ in length")
        if derive in ("lab", "grayscale") and self.images_b[0].shape[2] != 3:
            raise GanforgeError(f"colourisation needs colour images, but {self.name} is grayscale; use RGB photos")
        crop = self.preprocess.crop_size
        for domain, images, names in (("A", self.images_a, self.names_a), ("B", self.images_b, self.names_b)):
            for index, image in enumerate(images):
                if crop and min(image.shape[:2]) < crop:
                    name = names[index] if names else f"image {index}"
                    raise GanforgeError(
                        f"{name} in domain {domain} of {self.name} is {image.shape[1]}x{image.shape[0]}, smaller "
                        f"than crop_size {crop}; lower crop_size or set load_size >= {crop}"
                    )

    def require_inputs(self) -> TranslationDataset:
        """self when a model can learn from it: two domains, or one with derive_input building A.
        (A one-domain set loads without it, so its images can be read as stored: make-data.)"""
        if not self.images_a and not self.preprocess.derive_input:
            raise GanforgeError(
                f"{self.name} holds one domain of images; set derive_input = \"lab\" or \"mask\" in "
                "[preprocess] (colourise, complete), or give A and B images"
            )
        return self

    def __len__(self) -> int:
        return len(self.images_b) if self.paired else max(len(self.images_a), len(self.images_b))

    @property
    def channels(self) -> tuple[int, int]:
        """Channels of A and of B as the networks see them."""
        channels_b = self.images_b[0].shape[2]
        if self.preprocess.derive_input == "lab":
            return 1, 2
        derived = {"grayscale": 1, "mask": channels_b + 1, "downscale": channels_b}
        channels_a = derived.get(self.preprocess.derive_input) or self.images_a[0].shape[2]
        return channels_a, channels_b

    @property
    def image_size(self) -> tuple[int, int]:
        """(H, W) of the images in a batch."""
        crop = self.preprocess.crop_size
        return (crop, crop) if crop else self.images_b[0].shape[:2]

    def sampler(self, *, batch_size: int, seed: int, rank: int = 0, world_size: int = 1):
        """The per-step index source: one shuffle for pairs, two independent ones otherwise. A few large
        photos cut into random crops may fill a batch: each then appears several times per epoch."""
        if not self.preprocess.crop_size:
            for domain, images in (("A", self.images_a), ("B", self.images_b)):
                if len({image.shape for image in images}) > 1:
                    raise GanforgeError(
                        f"domain {domain} of {self.name} mixes image sizes; set crop_size (and load_size) in [preprocess]"
                    )
        if self.paired:
            repeats = -(-batch_size // len(self)) if self.preprocess.crop_size else 1
            return BatchSampler(num_items=len(self) * repeats, batch_size=batch_size, seed=seed, rank=rank,
                                world_size=world_size)
        sizes = (len(self.images_a), len(self.images_b))
        return UnpairedSampler(sizes=sizes, batch_size=batch_size, seed=seed, rank=rank, world_size=world_size)

    def batch(self, indices: np.ndarray, rng: np.random.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """(A, B) float batches in [-1, 1] (B, C, H, W); rng None: centre crops, no flips, centred masks.
        derive_input "lab": A is the normalised lightness (B, 1, H, W), B the normalised chroma (B, 2, H, W)."""
        indices = np.asarray(indices) % len(self.images_b)  # repeated photos (see sampler)
        if self.paired:
            pairs = [self._prepare([self.images_b[i]] + ([] if self.preprocess.derive_input else [self.images_a[i]]), rng)
                     for i in indices]
            if self.preprocess.derive_input == "lab":  # from the uint8 crops, as at inference
                return normalise_lab(rgb_to_lab(np.stack([p[0] for p in pairs])))
            images_b = from_uint8(np.stack([p[0] for p in pairs]))
            if self.preprocess.derive_input == "downscale":  # from the uint8 crop, as the kernel defines
                small = [downscale(np.ascontiguousarray(p[0]), self.preprocess.scale, self.preprocess.kernel) for p in pairs]
                return from_uint8(np.stack(small)), images_b
            if self.preprocess.derive_input:
                return self._derive(images_b, rng), images_b
            return from_uint8(np.stack([p[1] for p in pairs])), images_b
        a = [self._prepare([self.images_a[i]], rng)[0] for i in indices[:, 0]]
        b = [self._prepare([self.images_b[i]], rng)[0] for i in indices[:, 1]]
        return from_uint8(np.stack(a)), from_uint8(np.stack(b))

    def prefetch(self, indices: np.ndarray) -> None:
        """Nothing to do ahead: the images are in memory."""

    def preview_batch(self, count: int) -> tuple[torch.Tensor, torch.Tensor]:
        """`count` A and B images spread evenly over the data (sorted data shows every class),
        centre-cropped: the fixed inputs of sample grids."""
        sizes = [len(self.images_b)] + ([] if self.paired else [len(self.images_a)])
        columns = [np.linspace(0, n - 1, min(count, *sizes)).round().astype(np.int64) for n in sizes]
        return self.batch(columns[0] if self.paired else np.stack(columns[::-1], axis=1), None)

    def _prepare(self, images: list[np.ndarray], rng: np.random.Generator | None) -> list[np.ndarray]:
        """Crop (and flip) images of one pair the same way."""
        crop = self.preprocess.crop_size
        height, width = images[0].shape[:2]
        if not crop and self.preprocess.derive_input == "downscale":  # whole images: cut to a multiple of the scale
            scale = self.preprocess.scale
            images = [image[: height - height % scale, : width - width % scale] for image in images]
        if crop:
            if rng is None:
                top, left = (height - crop) // 2, (width - crop) // 2
            else:
                top, left = int(rng.integers(0, height - crop + 1)), int(rng.integers(0, width - crop + 1))
            images = [image[top : top + crop, left : left + crop] for image in images]
        if rng is not None and self.preprocess.flip and rng.random() < 0.5:
            images = [image[:, ::-1] for image in images]
        if rng is not None and self.preprocess.rotate:  # with the left-right flip: all 8 symmetries of a square
            if rng.random() < 0.5:
                images = [image[::-1] for image in images]
            if rng.random() < 0.5 and images[0].shape[0] == images[0].shape[1]:
                images = [image.transpose(1, 0, 2) for image in images]
        return images

    def _derive(self, images_b: torch.Tensor, rng: np.random.Generator | None) -> torch.Tensor:
        if self.preprocess.derive_input == "grayscale":
            return to_grayscale(images_b)
        size = images_b.shape[2:]
        if rng is None:  # previews: the same centred square every time
            masks = torch.zeros(images_b.shape[0], 1, *size)
            masks[..., size[0] // 4 : 3 * size[0] // 4, size[1] // 4 : 3 * size[1] // 4] = 1
        else:
            masks = random_masks(images_b.shape[0], size, rng)
        return masked_input(images_b, masks)

    def as_unpaired(self) -> TranslationDataset:
        """The same images with the pairing forgotten (CycleGAN trains on paired data this way)."""
        if not self.paired or self.preprocess.derive_input:
            return self
        return TranslationDataset(self.name, self.images_a, self.images_b, False, self.preprocess,
                                  self.labels_a, self.labels_b, self.names_a, self.names_b)

    def describe(self) -> dict:
        """A JSON-ready summary recorded in checkpoints."""
        return {
            "name": self.name,
            "paired": self.paired,
            "num_images_a": len(self.images_a),
            "num_images_b": len(self.images_b),
            "channels": list(self.channels),
            "image_size": list(self.image_size),
            "derive_input": self.preprocess.derive_input,
        }


def resize_shorter_side(image: np.ndarray, size: int) -> np.ndarray:
    """Scale (H, W, C) uint8 so that min(H, W) == size (Pillow bicubic); unchanged when size is 0."""
    height, width = image.shape[:2]
    if not size or min(height, width) == size:
        return image
    scale = size / min(height, width)
    new = (max(size, round(width * scale)), max(size, round(height * scale)))
    resized = np.asarray(Image.fromarray(image[..., 0] if image.shape[2] == 1 else image).resize(new, Image.BICUBIC))
    return resized[..., None] if resized.ndim == 2 else resized


def unify_channels(images: list[np.ndarray]) -> list[np.ndarray]:
    """A domain is grayscale only when all its images are; otherwise grayscale ones become RGB."""
    if all(image.shape[2] == 1 for image in images):
        return images
    return [np.repeat(image, 3, axis=2) if image.shape[2] == 1 else image for image in images]


def _read_domain(folder: Path, load_size: int, what: str) -> tuple[list[np.ndarray], list[str]]:
    files = list_images(folder) if folder.is_dir() else []
    if not files:
        raise GanforgeError(f"no images in {folder} ({what}); put .png/.jpg files there")
    images = unify_channels([resize_shorter_side(read_image(path), load_size) for path in files])
    return images, [path.name for path in files]


def _split_folder(root: Path, split: str, candidates: dict[str, tuple[str, ...]]) -> Path:
    for name in candidates[split]:
        if (root / name).is_dir():
            return root / name
    raise GanforgeError(f"{root} has no {' or '.join(candidates[split])} folder for the {split} split")


LAYOUT_HELP = (
    "expected trainA/ and trainB/ (unpaired, CycleGAN), A/ and B/ with matching file names or train/ "
    "with side-by-side A|B images (paired, pix2pix), or a folder of images with derive_input set"
)


def load_translation_folder(root: str | Path, split: str, preprocess: PreprocessConfig) -> TranslationDataset:
    """A translation dataset from a folder in one of the layouts above; split is 'train' or 'heldout'."""
    root = Path(root).expanduser()
    if not root.is_dir():
        raise GanforgeError(f"data folder {root} does not exist; pass an existing folder or a dataset name")
    load = preprocess.load_size
    letter = {"train": "train", "heldout": "test", "all": "train"}[split]
    splits = {"train": ("train",), "heldout": ("test", "val"), "all": ("train",)}
    if (root / "trainA").is_dir() or (root / "trainB").is_dir():
        a, names_a = _read_domain(root / f"{letter}A", load, "domain A")
        b, names_b = _read_domain(root / f"{letter}B", load, "domain B")
        return TranslationDataset(str(root), tuple(a), tuple(b), False, preprocess, names_a=tuple(names_a),
                                  names_b=tuple(names_b))
    if (root / "A").is_dir() and (root / "B").is_dir():
        has_splits = (root / "A" / "train").is_dir()
        folder_a = _split_folder(root / "A", split, splits) if has_splits else root / "A"
        folder_b = _split_folder(root / "B", split, splits) if has_splits else root / "B"
        a, names_a = _read_domain(folder_a, load, "domain A")
        b, names_b = _read_domain(folder_b, load, "domain B")
        if names_a != names_b:
            missing = sorted(set(names_a) ^ set(names_b))
            raise GanforgeError(
                f"paired folders {folder_a} and {folder_b} must hold the same file names; "
                f"{len(missing)} differ (e.g. {missing[0]})"
            )
        return TranslationDataset(str(root), tuple(a), tuple(b), True, preprocess, names_a=tuple(names_a),
                                  names_b=tuple(names_b))
    if preprocess.derive_input:  # one domain: a folder of images, or its train/ and test/ subfolders
        folder = _split_folder(root, split, splits) if (root / "train").is_dir() else root
        b, names = _read_domain(folder, load, "images")
        return TranslationDataset(str(root), (), tuple(b), True, preprocess, names_b=tuple(names))
    if (root / "train").is_dir():
        folder = _split_folder(root, split, splits)
        combined, names = _read_domain(folder, 0, "side-by-side A|B images")
        a, b = [], []
        for image, name in zip(combined, names):
            height, width = image.shape[:2]
            if width != 2 * height:
                raise GanforgeError(f"{folder / name} is {width}x{height}; side-by-side A|B images are twice as wide as high")
            a.append(resize_shorter_side(np.ascontiguousarray(image[:, : width // 2]), load))
            b.append(resize_shorter_side(np.ascontiguousarray(image[:, width // 2 :]), load))
        return TranslationDataset(str(root), tuple(a), tuple(b), True, preprocess, names_a=tuple(names), names_b=tuple(names))
    raise GanforgeError(f"{root} matches no translation layout: {LAYOUT_HELP}")
