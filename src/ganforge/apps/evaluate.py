"""`ganforge evaluate`: how good, how diverse and how original a generator's images are, measured
against real images with a stated protocol.

Fakes come from a shipped model, a checkpoint, or files (an image folder, or an .npz written by
`ganforge sample`). Real images come from a dataset split (by default the held-out split of the
data the model was trained on, so the generator never saw them). Every result carries the
protocol that produced it: feature network and its sha256, preprocessing, image counts, split,
seed and ganforge version.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ganforge import __version__
from ganforge.apps.generate import generate, load_model
from ganforge.data import ImageDataset, has_heldout, load_dataset, load_image_folder, resize_dataset
from ganforge.errors import GanforgeError
from ganforge.metrics.cache import cache_dir
from ganforge.metrics.extractors import build_extractor, domain_extractor_name
from ganforge.metrics.reference import check_plan, measure, prepare_reference
from ganforge.metrics.suite import METRICS
from ganforge.models.io import LoadedGenerator
from ganforge.utils.files import atomic_write_text
from ganforge.utils.images import to_uint8

MAX_DEFAULT_FAKES = 10_000  # the usual FID sample size; --num defaults to the real count up to this
IS_UNAVAILABLE = (
    "Inception Score is not reported: the standard FID network file has no logits layer, and a score "
    "from another network would not be the Inception Score"
)


@dataclass
class FakeImages:
    """Generated images as uint8 (N, H, W, C), the classes asked for, and where they came from."""

    images: np.ndarray
    labels: torch.Tensor | None
    source: dict[str, Any]
    data: str | None = None  # the data the generator was trained on, when known
    load_size: int = 0  # the side its training images were resized to ([preprocess] load_size), 0: none


def fakes_from_files(path: Path, class_names: tuple[str, ...]) -> FakeImages:
    """An .npz from `ganforge sample` (images, optional labels) or an image folder (class subfolders
    named like the real classes give labels)."""
    if path.suffix.lower() == ".npz":
        try:
            with np.load(path) as arrays:
                images = arrays["images"]
                labels = torch.from_numpy(arrays["labels"]).long() if "labels" in arrays else None
        except (OSError, ValueError, KeyError) as error:
            raise GanforgeError(f"{path} is not an .npz written by `ganforge sample` ({error})") from None
        if images.dtype != np.uint8 or images.ndim != 4:
            raise GanforgeError(f"{path}: 'images' must be uint8 (N, H, W, C), got {images.dtype} {images.shape}")
        return FakeImages(images, labels, {"files": str(path)})
    dataset = load_image_folder(path)
    labels = None
    if dataset.labels is not None and dataset.class_names == class_names:
        labels = torch.from_numpy(dataset.labels).long()
    return FakeImages(dataset.images, labels, {"files": str(path)})


def fakes_from_generator(loaded: LoadedGenerator, model: str | None, num: int, seed: int) -> FakeImages:
    """`num` samples (classes cycling evenly for conditional models) and the generator's provenance."""
    started = time.perf_counter()
    images, labels = generate(loaded, num, seed=seed)
    seconds = time.perf_counter() - started
    source = {"model": model} if model else {"checkpoint": str(loaded.source)}
    source.update(step=loaded.state.get("step"), seed=seed, sampling_images_per_second=round(num / seconds, 1))
    run = loaded.state.get("run", {})
    # the size the model saw its training images at: load_size, else its own (training resizes data to it)
    side = run.get("preprocess", {}).get("load_size", 0) or (images.shape[2] if images.shape[2] == images.shape[3]
                                                               else 0)
    return FakeImages(to_uint8(images), labels, source, data=run.get("data"), load_size=side)


def match_channels(real: np.ndarray, fake: np.ndarray, notes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Same size required; a grayscale set facing an RGB set is repeated to RGB (and noted)."""
    if real.shape[1:3] != fake.shape[1:3]:
        raise GanforgeError(
            f"generated images are {fake.shape[2]}x{fake.shape[1]} but real ones are {real.shape[2]}x{real.shape[1]}; "
            "resize one set so both have the same size"
        )
    if real.shape[-1] != fake.shape[-1]:
        notes.append("grayscale images were repeated to 3 channels to match the RGB set")
        real, fake = (np.repeat(x, 3, axis=-1) if x.shape[-1] == 1 else x for x in (real, fake))
    return real, fake


def default_metrics(*, train_available: bool, labelled: bool, judge_available: bool) -> list[str]:
    """Every metric the inputs allow."""
    names = ["fid", "kid", "precision-recall", "density-coverage"]
    if train_available:
        names.append("memorisation")
    if labelled and judge_available:
        names += ["class-accuracy", "intra-fid"]
    return names


def load_sources(
    model: str | None, checkpoint: str | Path | None, fake: str | Path | None, real: str | None, split: str,
    num: int | None, seed: int, device: str,
) -> tuple[str, ImageDataset, FakeImages]:
    """The real data's name, the real images, and the generated ones (sampled or read from files)."""
    if fake is not None:
        if real is None:
            raise GanforgeError("--fake needs --real DATASET_OR_DIR: the real images to compare with")
        real_data = load_dataset(real, split)
        fakes = fakes_from_files(Path(fake), real_data.class_names)
        if num is not None:
            fakes.images, fakes.labels = fakes.images[:num], None if fakes.labels is None else fakes.labels[:num]
        return real, real_data, fakes
    loaded = load_model(model=model, checkpoint=checkpoint, device=device)
    real = real or loaded.state.get("run", {}).get("data")
    if real is None:
        raise GanforgeError("this model does not record its training data; pass --real DATASET_OR_DIR")
    real_data = load_dataset(real, split)
    count = num if num is not None else min(len(real_data), MAX_DEFAULT_FAKES)
    return real, real_data, fakes_from_generator(loaded, model, count, seed)


def _as_the_model_saw(data: ImageDataset, fakes: FakeImages, notes: list[str]) -> tuple[ImageDataset, np.ndarray]:
    """Real images resized to the generator's training size (when it had one) and matched in channels
    with the generated images; returns them and the (channel-matched) generated images."""
    if fakes.load_size and data.image_shape[1:] != fakes.images.shape[1:3]:
        data = resize_dataset(data, fakes.load_size)  # as the model saw them in training
        notes.append(f"real images resized to {fakes.load_size}x{fakes.load_size} (bicubic), as in training")
    real_images, fake_images = match_channels(data.images, fakes.images, notes)
    return ImageDataset(data.name, real_images, data.labels, data.class_names), fake_images


def evaluate(
    *,
    model: str | None = None,
    checkpoint: str | Path | None = None,
    fake: str | Path | None = None,
    real: str | None = None,
    split: str = "heldout",
    metrics: list[str] | None = None,
    features: str = "inception",
    num: int | None = None,
    seed: int = 0,
    device: str = "cpu",
    use_cache: bool = True,
    progress: bool = False,
    out: str | Path | None = None,
) -> dict[str, Any]:
    """Measure a generator (or a set of generated files) against real images; see the module doc."""
    if sum(x is not None for x in (model, checkpoint, fake)) != 1:
        raise GanforgeError("pass exactly one of --model NAME, --checkpoint PATH or --fake DIR_OR_NPZ")
    for name in metrics or []:
        METRICS.get(name)  # unknown names fail before any work
    extractor = build_extractor(features, device)
    extractor.progress = progress
    notes: list[str] = []
    timings: dict[str, float] = {}

    started = time.perf_counter()
    real, real_data, fakes = load_sources(model, checkpoint, fake, real, split, num, seed, device)
    timings["fakes"] = time.perf_counter() - started  # sampling, or reading the files
    if len(fakes.images) == 0:
        raise GanforgeError(f"no generated images in {fake}")

    real_data, fake_images = _as_the_model_saw(real_data, fakes, notes)
    real_images = real_data.images
    extractor.check(real_images)
    extractor.check(fake_images)
    # memorisation compares with the training split, meaningful only when the real split is held out
    train_available = has_heldout(real) and split == "heldout"
    judge_name = domain_extractor_name(real)
    labelled = fakes.labels is not None and real_data.labels is not None
    names = metrics or default_metrics(
        train_available=train_available, labelled=labelled, judge_available=judge_name is not None
    )
    check_plan(
        names, n_real=len(real_images), n_fake=len(fake_images), has_train=train_available,
        real_labelled=real_data.labels is not None, fake_labelled=fakes.labels is not None,
        has_judge=judge_name is not None,
    )
    # the training split, loaded only when a metric reads it
    train_data = _as_the_model_saw(load_dataset(real, "train"), fakes, [])[0] if (
        train_available and "memorisation" in names) else None
    judge = None
    if "class-accuracy" in names:
        judge = extractor if getattr(extractor, "name", None) == judge_name else build_extractor(judge_name, device)

    started = time.perf_counter()
    reference = prepare_reference(extractor, real_data, train=train_data, judge=judge,
                                  cache=cache_dir() if use_cache else None)
    values = measure(names, reference, fake_images, fakes.labels if labelled else None)
    timings["features_and_metrics"] = time.perf_counter() - started

    if extractor.name == "inception" and min(len(real_images), len(fake_images)) < 2048:
        notes.append("FID from fewer than 2,048 images per set is biased upwards: compare only results of equal n")
    notes.append(IS_UNAVAILABLE)
    result = {
        "metrics": values,
        "protocol": {
            "ganforge_version": __version__,
            "features": {"name": extractor.name, "sha256": extractor.sha256, "dim": extractor.dim,
                         "preprocessing": extractor.preprocessing},
            "real": {"data": real, "split": split, "n": len(real_images), "cache": reference.cache},
            "train": None if train_data is None else {"data": real, "split": "train", "n": len(train_data),
                                                      "cache": reference.train_cache},
            "fake": {**fakes.source, "n": len(fake_images), "labelled": labelled},
            "class_judge": f"{judge_name} classifier" if "class_accuracy" in values else None,
            "metrics": {name: METRICS.get(name).description for name in names},
            "notes": notes,
        },
        "seconds": {key: round(value, 2) for key, value in timings.items()},
    }
    if out is not None:
        atomic_write_text(out, json.dumps(result, indent=2) + "\n")
    return result


def format_result(result: dict) -> str:
    """The metrics as a two-column table, then the protocol in a few lines."""
    rows = []
    for key, value in result["metrics"].items():
        if isinstance(value, list):
            value = " ".join(f"{v:.4g}" for v in value)
        elif isinstance(value, int):
            value = str(value)
        else:
            value = f"{value:.4f}" if abs(value) < 1000 else f"{value:.1f}"
        rows.append((key, value))
    width = max(len(key) for key, _ in rows)
    lines = [f"{key:<{width}}  {value}" for key, value in rows]
    protocol = result["protocol"]
    features, real, fake = protocol["features"], protocol["real"], protocol["fake"]
    lines.append("")
    lines.append(f"features  {features['name']} ({features['dim']}-d, sha256 {features['sha256'][:12]}...)")
    lines.append(f"real      {real['n']} images of {real['data']} ({real['split']}; cache {real['cache']})")
    source = ", ".join(f"{k} {v}" for k, v in fake.items() if k not in ("n", "labelled") and v is not None)
    lines.append(f"fake      {fake['n']} images ({source})")
    lines.extend(f"note      {note}" for note in protocol["notes"])
    return "\n".join(lines)
