"""What bench/quality/editing.py and bench/quality/editing_walks.py share: the held-out digits' inversions (cached), one
edit measured each way, and the report under docs/eval/editing-NAME.json."""


import fcntl
import json
import platform
import sys
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch

from ganforge.apps.directions import (
    model_fingerprint,
)
from ganforge.apps.edit import holding_walk, to_model_images
from ganforge.apps.generate import load_model
from ganforge.apps.inversion import Inversion, InversionSettings, Inverter
from ganforge.apps.latent import LatentGenerator
from ganforge.data.streaming import square_image
from ganforge.metrics.attributes import measure_attributes
from ganforge.metrics.classifier import classify
from ganforge.utils.images import from_uint8, to_uint8

EVAL = Path(__file__).resolve().parents[2] / "docs" / "eval"
CACHE = Path(__file__).resolve().parents[2] / "runs" / "editing"
ATTRIBUTES = ("thickness", "slant")


def at_28(images: torch.Tensor) -> np.ndarray:
    """Model images (N, 1, S, S) in [-1, 1] -> uint8 (N, 28, 28, 1), as the classifier and attributes see them
    (Pillow's bicubic, the resize that made the 32x32 training digits of stylegan2-mnist)."""
    images = to_uint8(images.clamp(-1, 1))
    return images if images.shape[1] == 28 else np.stack([square_image(image, 28) for image in images])


def to_model(digits: np.ndarray, model: LatentGenerator) -> torch.Tensor:
    """uint8 (N, 28, 28, 1) -> the model's size in [-1, 1], resized as its training digits were."""
    return to_model_images(list(digits), model, on_note=lambda _: None)


def psnr(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-image PSNR (dB) of uint8 images."""
    mse = ((a.astype(np.float64) - b.astype(np.float64)) ** 2).reshape(len(a), -1).mean(1)
    return 10 * np.log10(255.0**2 / np.maximum(mse, 1e-10))


def invert(model: LatentGenerator, digits: np.ndarray, space: str, steps: int, known=None, *, cache: str = "",
           chunk: int | None = None):
    """(inversion, seconds per image); with `cache`, kept under runs/editing/ and reused by later runs
    of the same model, digits, space and steps (inversion is the costly part). With `chunk`, the digits
    are inverted (and cached) `chunk` at a time, so an interrupted run keeps the chunks it finished and a
    longer run reuses a shorter one's; the first chunk is the same as inverting those digits alone."""
    if chunk is not None and len(digits) > chunk:
        starts = range(0, len(digits), chunk)
        parts = [invert(model, digits[start:start + chunk], space, steps,
                        None if known is None else known[start:start + chunk],
                        cache=f"{cache}-from-{start}" if cache else "") for start in starts]
        spent = sum(seconds * len(part.latents) for part, seconds in parts)
        return join_inversions([part for part, _ in parts]), spent / len(digits)
    path = CACHE / f"{cache}-{space}-{steps}-{len(digits)}.pt" if cache else None
    if path is not None and path.exists():
        saved = torch.load(path, weights_only=True)
        return Inversion(**saved["inversion"]), saved["seconds"]
    started = time.perf_counter()
    settings = InversionSettings(space=space, steps=steps)
    result = Inverter(model, settings).invert(to_model(digits, model), known=known)
    seconds = (time.perf_counter() - started) / len(digits)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save({"inversion": vars(result), "seconds": seconds}, path)
    return result, seconds


def join_inversions(parts: list[Inversion]) -> Inversion:
    """One Inversion of the digits of `parts`, in order."""
    def cat(values):
        return None if values[0] is None else torch.cat(values)

    noises = None if parts[0].noises is None else [torch.cat(maps) for maps in zip(*(p.noises for p in parts))]
    return Inversion(space=parts[0].space, latents=cat([p.latents for p in parts]),
                     labels=cat([p.labels for p in parts]), noises=noises,
                     images=cat([p.images for p in parts]), pixel_mse=cat([p.pixel_mse for p in parts]))


class Outcomes(NamedTuple):
    """Per digit, -strength then +strength: moved >= 1 std the asked way, still read as its digit (shipped
    classifier), |other attribute change| / std, and still read by the independent judge (when given)."""

    moved: np.ndarray
    kept: np.ndarray
    other_change: np.ndarray
    judged: np.ndarray | None = None


def edit_outcomes(model, inversion, direction, strength, attribute, other, labels, classifier, real_std, span, *,
                  reader=None, hold=(), judge=None, until=None) -> Outcomes:
    """The edit each way, measured; with `reader`, walked with --keep-class (holding that classifier), with
    `hold`, holding those attributes too (--hold), with `until`, each digit stopped there (--until)."""
    space = inversion.space
    with torch.no_grad():
        base = at_28(model.render(inversion.latents, space, inversion.labels, inversion.noises))
    before = measure_attributes(base, (attribute, other))
    moved, kept, other_change, judged = [], [], [], []
    for sign in (-1.0, 1.0):
        latents, moved_space = holding_walk(model, inversion.latents, space, inversion.labels, direction,
                                            sign * strength, span, reader=reader, hold=hold, noises=inversion.noises,
                                            until=until)
        with torch.no_grad():
            images = at_28(model.render(latents, moved_space, inversion.labels, inversion.noises))
        after = measure_attributes(images, (attribute, other))
        change = (after[attribute] - before[attribute]) * sign / real_std[attribute]
        moved.append(np.nan_to_num(change, nan=-np.inf) >= 1)
        kept.append(classifier.predict(images).numpy() == labels)
        other_change.append(np.abs(after[other] - before[other]) / real_std[other])
        if judge is not None:
            judged.append(judge_reads(judge, images) == labels)
    return Outcomes(np.concatenate(moved), np.concatenate(kept), np.concatenate(other_change),
                    np.concatenate(judged) if judged else None)


def judge_reads(judge: torch.nn.Module, images: np.ndarray) -> np.ndarray:
    """The digit a classifier saved by bench/weights/train_classifier.py reads in uint8 (N, 28, 28, 1) images."""
    return classify(judge, from_uint8(images)).numpy()


COMMAND = " ".join(["python", "bench/quality/editing.py", *sys.argv[1:]])


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, torch {torch.__version__}"


def open_report(args) -> tuple[Path, dict, LatentGenerator]:
    """(docs/eval/editing-NAME.json, its contents so far, the model)."""
    name = args.model or Path(args.checkpoint).resolve().name
    out = EVAL / f"editing-{name}.json"
    model = LatentGenerator(load_model(model=args.model, checkpoint=args.checkpoint))
    return out, json.loads(out.read_text()) if out.exists() else {"model": name}, model


def save_report(out: Path, report: dict, *path: str) -> None:
    """Write the report; with a `path` of keys (a section, a row of it), only the entry it names is written
    into the file as it is now, under a lock, so that bench runs on two cores that fill other sections
    or other rows of one report keep each other's work."""
    EVAL.mkdir(parents=True, exist_ok=True)
    with open(out.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path and out.exists():
            merged = json.loads(out.read_text())
            mine, theirs = report, merged
            for key in path[:-1]:
                mine, theirs = mine[key], theirs.setdefault(key, {})
            theirs[path[-1]] = mine[path[-1]]
            report = merged
        partial = out.with_suffix(".partial")
        partial.write_text(json.dumps(report, indent=2) + "\n")
        partial.replace(out)


def cache_key(out: Path, model: LatentGenerator) -> str:
    """Inversions are cached per report name and model weights."""
    return f"{out.stem.removeprefix('editing-')}-{model_fingerprint(model)}"


def layer_options(model: LatentGenerator) -> list[str]:
    """The layer ranges each edit is tried on."""
    return ["all", "coarse", "middle", "fine"] if model.style_based else ["all"]

