"""Datasets by name or path: `load_dataset("mnist-5k")`, `load_dataset("path/to/images")`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ganforge.data.audio import AudioDataset, is_audio, load_audio
from ganforge.data.base import SPLITS, ImageDataset
from ganforge.data.chorales import ChoraleDataset, load_chorales
from ganforge.data.demos import digit_styles, lfw_faces, skimage_all, skimage_photos
from ganforge.data.domains import is_rule_spec, load_folder_domains, load_rule_domains, shared_pets, two_folder_domains
from ganforge.data.download import data_home, download_mnist
from ganforge.data.folder import load_image_folder
from ganforge.data.idx import DIGIT_NAMES, FASHION_NAMES, has_idx, load_idx_folder
from ganforge.data.loader import BatchSampler
from ganforge.data.mnist5k import load_mnist5k
from ganforge.data.moving_mnist import MovingMNIST, is_moving_mnist_spec, load_moving_mnist
from ganforge.data.oneclass import is_normal_anomalous_folder, load_normal_anomalous, one_class
from ganforge.data.photos import shared_photos
from ganforge.data.streaming import StreamingImageFolder, load_image_folder_for_training, resize_dataset
from ganforge.data.translation import PreprocessConfig, TranslationDataset, load_translation_folder
from ganforge.data.utkface import is_face_spec, load_faces
from ganforge.data.words import WordDataset, load_words
from ganforge.errors import GanforgeError
from ganforge.registry import Registry

FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")  # Debian's dataset-fashion-mnist

# name -> loader(split, download) for the datasets ganforge knows by name
DATASETS: Registry[Callable[[str, bool], ImageDataset]] = Registry("dataset")


def _fashion_mnist(split: str, download: bool) -> ImageDataset:
    folder = Path(FASHION_MNIST_DIR)
    if not has_idx(folder):
        raise GanforgeError(
            f"Fashion-MNIST is not installed in {folder}; run: sudo apt-get install dataset-fashion-mnist"
        )
    return _idx_split(folder, split, "fashion-mnist", FASHION_NAMES)


def _mnist(split: str, download: bool) -> ImageDataset:
    folder = data_home() / "mnist"
    if download:
        download_mnist(folder)
    if not has_idx(folder):
        raise GanforgeError(
            f"full MNIST is not in {folder}; add --download to fetch it (11 MB), or use mnist-5k (offline)"
        )
    return _idx_split(folder, split, "mnist", DIGIT_NAMES)


def _idx_split(folder: Path, split: str, name: str, class_names: tuple[str, ...] = ()) -> ImageDataset:
    if split != "all":
        return load_idx_folder(folder, split, name, class_names)
    train, heldout = (load_idx_folder(folder, s, name, class_names) for s in ("train", "heldout"))
    labels = None if train.labels is None else np.concatenate([train.labels, heldout.labels])
    return ImageDataset(name, np.concatenate([train.images, heldout.images]), labels, train.class_names)


DATASETS.register("mnist-5k", lambda split, download: load_mnist5k(split))
DATASETS.register("fashion-mnist", _fashion_mnist)
DATASETS.register("mnist", _mnist)
DATASETS.register("lfw-faces", lambda split, download: lfw_faces(split))
DATASETS.register("utkface", lambda split, download: load_faces("utkface", split))  # labelled by sex, 64x64
DATASETS.register("utkface:age", lambda split, download: load_faces("utkface:age", split))  # by age group


def load_dataset(spec: str, split: str = "train", download: bool = False) -> ImageDataset:
    """A dataset by registered name, or from a folder (IDX files, or images / class subfolders).

    `split`: 'train', 'heldout' (the fixed held-out part) or 'all'. Image folders have no
    held-out part: any split gives all their images.
    """
    if split not in SPLITS:
        raise GanforgeError(f"unknown split '{split}'; use one of {', '.join(SPLITS)}")
    if spec in DATASETS:
        return DATASETS.get(spec)(split, download)
    if is_face_spec(spec):  # a folder laid out as UTKFace: images/ + labels.csv, with its fixed held-out split
        return load_faces(spec, split)
    path = Path(spec).expanduser()
    if path.is_dir() and has_idx(path):
        return _idx_split(path, split, str(path))
    if is_normal_anomalous_folder(path):  # users' anomaly data: split into training normals and a test set
        return load_normal_anomalous(path, split)
    if path.exists() or "/" in spec or spec.startswith("."):
        return load_image_folder(path)
    DATASETS.get(spec)  # raises the unknown-dataset error, with suggestions
    raise AssertionError("unreachable")


# name -> loader(split, preprocess) for the translation datasets ganforge builds offline
TRANSLATION_DATASETS: Registry[Callable[[str, PreprocessConfig], TranslationDataset]] = Registry("translation dataset")
TRANSLATION_DATASETS.register("digit-styles", digit_styles)
TRANSLATION_DATASETS.register("skimage-photos", skimage_photos)
TRANSLATION_DATASETS.register("skimage-all", skimage_all)
TRANSLATION_DATASETS.register("shared-photos", shared_photos)
TRANSLATION_DATASETS.register("cats-dogs", shared_pets)  # two domains: ../shared/data/cats-dogs


def load_translation_dataset(spec: str, split: str = "train", preprocess: PreprocessConfig | None = None) -> TranslationDataset:
    """Two-domain data by registered name (digit-styles, skimage-photos) or from a folder layout."""
    preprocess = preprocess or PreprocessConfig()
    if split not in SPLITS:
        raise GanforgeError(f"unknown split '{split}'; use one of {', '.join(SPLITS)}")
    if spec in TRANSLATION_DATASETS:
        return TRANSLATION_DATASETS.get(spec)(split, preprocess)
    if spec in DATASETS:
        raise GanforgeError(
            f"{spec} is one domain of images; translation needs two: use digit-styles, skimage-photos or a folder "
            "with trainA/ trainB/ or A/ B/"
        )
    if is_rule_spec(spec):  # faces split into two domains by their labels (data/domains.py)
        return load_rule_domains(spec, split, preprocess)
    path = Path(spec).expanduser()
    if not preprocess.derive_input and two_folder_domains(path):  # cats/ and dogs/
        return load_folder_domains(path, split, preprocess)
    if path.exists() or "/" in spec or spec.startswith("."):
        return load_translation_folder(path, split, preprocess)
    TRANSLATION_DATASETS.get(spec)  # the unknown-name error, with suggestions
    raise AssertionError("unreachable")


# what each kind of family trains on: "images" (noise -> image GANs; audio is given to them as
# spectrogram images), "audio" (waveforms), "text" (words), "music" (piano rolls), "video" (clips),
# "unpaired" or "paired" translation
DATA_KINDS = ("images", "audio", "text", "music", "video", "unpaired", "paired")


def load_training_data(kind: str, spec: str, split: str = "train", *, preprocess: PreprocessConfig | None = None,
                       download: bool = False, size: int = 0,
                       on_note: Callable[[str], None] | None = None) -> ImageDataset | TranslationDataset:
    """The data a family of `kind` trains on (see DATA_KINDS). `size`: the side of the square images the
    model makes, when it has one: images of another size (a photo folder of any sizes included) are brought
    to it by preprocess.fit and preprocess.resize_filter, with a note; photo folders through the decoded
    cache (ganforge.data.cache)."""
    note = on_note or (lambda message: print(message, file=sys.stderr))
    if kind == "text":  # words; `size` is the model's length in characters
        return load_words(spec, split, length=size or 16, on_note=note)
    if kind == "music":  # the chorales, or a folder of four-part scores
        return load_chorales(split, spec=spec, on_note=note)
    if kind == "video":  # clips made on the fly from real digits
        if not is_moving_mnist_spec(spec):
            raise GanforgeError(f"{spec}: video models learn from moving-mnist (clips of two real MNIST digits, made "
                                "offline); other clip data is not supported yet")
        return load_moving_mnist(split)
    if kind in ("images", "audio") and is_audio(spec):  # images of sound (SpecGAN) or the sound itself (WaveGAN)
        audio = load_audio(spec, split).as_representation("spectrogram" if kind == "images" else "wave")
        if kind == "images" and preprocess is not None and preprocess.spectrogram == "per-bin":
            # measured on the training clips whatever the split, so that held-out clips are scaled alike
            train = audio if split == "train" else load_audio(spec, "train", on_note=lambda _: None)
            audio = audio.with_bin_scale(train.measure_bin_scale())
        return audio
    if kind == "audio":
        raise GanforgeError(f"{spec} holds no audio; this model learns from sound: give the Free Spoken Digit "
                            "Dataset's folder or one subfolder of .wav files per class")
    if kind == "images":
        preprocess = preprocess or PreprocessConfig()
        path = Path(spec).expanduser()
        load = preprocess.load_size or size
        if is_face_spec(spec):  # decoded straight to the model's size (not through the 64x64 default)
            return load_faces(spec, split, load or 64, fit=preprocess.fit, resize_filter=preprocess.resize_filter,
                              on_note=note)
        if spec not in DATASETS and path.is_dir() and not has_idx(path) and not preprocess.normal:  # perhaps too large
            return load_image_folder_for_training(path, load, preprocess.stream, fit=preprocess.fit,
                                                  resize_filter=preprocess.resize_filter, on_note=note)
        if preprocess.stream == "always":
            raise GanforgeError(f"stream = \"always\" streams image folders; {spec} is held in memory, so drop it")
        data = load_dataset(spec, split, download)
        if preprocess.normal:  # anomaly detection trains on the normal images only
            data = one_class(data, preprocess.normal, "train" if split == "train" else "test")
        if preprocess.load_size:
            return resize_dataset(data, preprocess.load_size)
        if size and data.image_shape[1:] != (size, size):
            note(f"note: resizing {data.name}'s {data.image_shape[2]}x{data.image_shape[1]} images to the model's "
                 f"{size}x{size} ({preprocess.fit}, {preprocess.resize_filter}; [preprocess] fit and resize_filter "
                 "choose how)")
            return resize_dataset(data, size, preprocess.fit, preprocess.resize_filter)
        return data
    data = load_translation_dataset(spec, split, preprocess).require_inputs()
    if kind == "paired" and not data.paired:
        raise GanforgeError(
            f"{spec} is unpaired (trainA/ trainB/) but this model learns from pairs; give A/ B/ folders with "
            "matching names or side-by-side images, or train cyclegan"
        )
    return data.as_unpaired() if kind == "unpaired" else data


def has_heldout(spec: str) -> bool:
    """Whether `spec` has a fixed held-out split apart from its training split (named datasets and
    IDX folders do; plain image folders do not)."""
    if spec in DATASETS or is_face_spec(spec):
        return True
    path = Path(spec).expanduser()
    return path.is_dir() and (has_idx(path) or is_normal_anomalous_folder(path))


__all__ = [
    "DATASETS",
    "DATA_KINDS",
    "TRANSLATION_DATASETS",
    "AudioDataset",
    "BatchSampler",
    "ChoraleDataset",
    "ImageDataset",
    "MovingMNIST",
    "PreprocessConfig",
    "StreamingImageFolder",
    "TranslationDataset",
    "WordDataset",
    "has_heldout",
    "load_dataset",
    "load_idx_folder",
    "load_image_folder",
    "load_training_data",
    "load_translation_dataset",
    "resize_dataset",
]
