"""Sampling: images from a shipped model or a checkpoint, as a PNG grid or an .npz array."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import torch

from ganforge.errors import GanforgeError
from ganforge.models import FAMILIES, STYLE
from ganforge.models.io import LoadedGenerator, load_generator, load_network, read_state, resolve_checkpoint
from ganforge.models.pretrained import pretrained_path
from ganforge.models.sampling import cycling_labels, sample_images
from ganforge.models.tasks import require_task
from ganforge.utils.files import atomic_write, ensure_writable_dir
from ganforge.utils.images import save_grid, to_uint8
from ganforge.utils.memory import images_bytes, largest_count, require_memory
from ganforge.utils.seed import resolve_device
from ganforge.utils.spectrogram import to_spectrogram


def load_model(*, model: str | None = None, checkpoint: str | Path | None = None, device: str = "cpu") -> LoadedGenerator:
    """A shipped model by name, or the generator of a checkpoint (exactly one of the two)."""
    if (model is None) == (checkpoint is None):
        raise GanforgeError("pass exactly one of --model NAME or --checkpoint PATH")
    source = pretrained_path(model) if model is not None else Path(checkpoint)
    return load_generator(source, device=resolve_device(device))


def load_model_for(task: str, use: str, *, model: str | None = None, checkpoint: str | Path | None = None,
                   device: str = "cpu") -> LoadedGenerator:
    """The generator of a shipped model or checkpoint whose declared task (ganforge.models.tasks.task_of) is
    `task` ("write", "compose", "animate"); any other model is refused in one line that says what it does and
    names `use` (what to pass instead)."""
    if (model is None) == (checkpoint is None):
        raise GanforgeError("pass exactly one of --model NAME or --checkpoint PATH")
    folder = resolve_checkpoint(pretrained_path(model) if model is not None else Path(checkpoint))
    require_task(read_state(folder), folder, (task,), use)
    return load_network(folder, device=resolve_device(device))


Label = int | tuple[int, ...] | None  # one class, a group of classes drawn in turn, or every class in turn


def class_labels(num_classes: int, count: int, label: Label) -> torch.Tensor | None:
    """Labels for `count` samples: all `label`, cycling through a group of classes, or cycling evenly through
    every class; None if unconditional."""
    if num_classes == 0:
        if label is not None:
            raise GanforgeError("--label was given but this model is unconditional; drop --label")
        return None
    if label is None:
        return cycling_labels(num_classes, count)
    group = (label,) if isinstance(label, int) else label
    for k in group:
        if not 0 <= k < num_classes:
            raise GanforgeError(f"--label {k} is out of range; this model knows labels 0 to {num_classes - 1}")
    return torch.tensor(group, dtype=torch.long)[cycling_labels(len(group), count)]


def resolve_label(loaded: LoadedGenerator, label: Label | str) -> Label:
    """A class by number or by the name it was trained under ("male", "7"; case and spacing aside), or a group
    of classes its data declared (a sex+age face model's "male": a tuple of its classes, drawn in turn); None
    stays None. An unknown name is refused in one line that lists the known ones."""
    if label is None or isinstance(label, (int, tuple)):
        return label
    names, groups = loaded.class_names, loaded.class_groups
    asked = " ".join(label.split()).casefold()  # "Male", " female  adult" as "male", "female adult"
    # a class's own name comes before a group of the same name
    known: dict[str, Label] = {**{n.casefold(): g for n, g in groups.items()},
                               **{n.casefold(): k for k, n in enumerate(names)}}
    if asked in known:
        return known[asked]
    if asked.lstrip("-").isdigit():
        return int(asked)
    listed = ", ".join(names) if names else "none: this model was trained without class names"
    also = f"; or a group of them: {', '.join(groups)}" if groups else ""
    raise GanforgeError(f"--label {label!r} is not a class of this model; its classes are {listed} (or their "
                        f"numbers from 0){also}")


def single_label(loaded: LoadedGenerator, label: int | str | None, use: str) -> int | None:
    """resolve_label for a use that takes one class (`use`, e.g. "a walk"): a group is refused in one line
    that names its classes."""
    resolved = resolve_label(loaded, label)
    if isinstance(resolved, tuple):
        classes = ", ".join(repr(loaded.class_names[k]) for k in resolved)
        raise GanforgeError(f"--label {label!r} names {len(resolved)} classes ({classes}); {use} takes one of them")
    return resolved


def check_truncation(loaded: LoadedGenerator, truncation: float) -> None:
    """psi < 0 is an error; psi > 1 extrapolates away from the average (allowed, with a warning)."""
    if not math.isfinite(truncation):
        raise GanforgeError(f"--truncation {truncation} is not a number; use a value in [0, 1] (0.7 is common)")
    if truncation == 1:
        return
    if truncation < 0:
        raise GanforgeError(f"--truncation {truncation} is negative; use a value in [0, 1] (0.7 is common)")
    if truncation > 1:
        centre = "the average w" if FAMILIES.get(loaded.family).can(STYLE) else "z = 0"
        print(f"warning: --truncation {truncation} > 1 moves away from {centre}: expect artefacts", file=sys.stderr)


def generate(
    loaded: LoadedGenerator, count: int, *, label: Label | str = None, seed: int = 0, batch_size: int = 500,
    truncation: float = 1.0,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """`count` images (N, C, H, W) in [-1, 1] and their labels (None for unconditional models)."""
    if count < 1:
        raise GanforgeError(f"--num {count}: ask for at least one image")
    shape = loaded.config.image_shape
    require_memory(images_bytes(count, shape), f"--num {count:,}",
                   f"ask for at most {largest_count(shape):,} images per call (more calls with other --seed values)")
    check_truncation(loaded, truncation)
    label = resolve_label(loaded, label)
    labels = class_labels(FAMILIES.get(loaded.family).num_classes(loaded.config), count, label)
    images = sample_images(loaded.generator, count, labels=labels, seed=seed, batch_size=batch_size,
                           truncation=truncation)
    return images, labels


def sample_to_file(
    out: str | Path,
    *,
    num: int,
    model: str | None = None,
    checkpoint: str | Path | None = None,
    label: int | str | None = None,
    seed: int = 0,
    device: str = "cpu",
    truncation: float = 1.0,
) -> Path:
    """Write `num` samples to `out`: a grid for .png/.jpg (spectrograms for models of sound), uint8 `images`
    (N,H,W,C) (float32 `waveforms` (N, samples) for models of sound) and `labels` for .npz."""
    out = Path(out)
    if out.suffix.lower() not in (".png", ".jpg", ".jpeg", ".npz"):
        raise GanforgeError(f"--out {out}: use a .png or .jpg path for a grid, or .npz for arrays")
    ensure_writable_dir(out.parent)
    loaded = load_model(model=model, checkpoint=checkpoint, device=device)
    label = resolve_label(loaded, label)
    images, labels = generate(loaded, num, label=label, seed=seed, truncation=truncation)
    if out.suffix.lower() == ".npz":
        return save_arrays(images, labels, out)
    return save_grid(grid_images(images), out, grid_columns(loaded, labels, label, num))


def save_arrays(images: torch.Tensor, labels: torch.Tensor | None, out: str | Path) -> Path:
    """An .npz of samples: uint8 `images` (N, H, W, C) (float32 `waveforms` (N, samples) for models of
    sound) and int64 `labels` when the model is conditional; written whole or not at all."""
    waveforms = images.dim() == 3  # a model of sound (wavegan): (N, 1, samples)
    arrays = {"waveforms": images[:, 0].float().numpy()} if waveforms else {"images": to_uint8(images)}
    if labels is not None:
        arrays["labels"] = labels.numpy().astype(np.int64)

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as handle:
            np.savez_compressed(handle, **arrays)

    return atomic_write(out, write)


def grid_images(images: torch.Tensor) -> torch.Tensor:
    """What a grid shows of samples: the images, or for a model of sound its clips as spectrograms."""
    return to_spectrogram(images) if images.dim() == 3 else images


def grid_columns(loaded: LoadedGenerator, labels: torch.Tensor | None, label: Label, num: int) -> int | None:
    """One column per class when the labels cycle through the classes; None (a square grid) otherwise."""
    if labels is None or label is not None or num < 10:
        return None
    classes = loaded.config.num_classes  # few classes (faces by sex): several columns each, still one class a column
    return classes * max(1, round(math.sqrt(num) / classes))
