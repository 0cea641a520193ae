"""Scoring images with a trained anomaly detector (`ganforge anomaly`) and measuring it on the
one-class protocol (`ganforge evaluate --checkpoint` of a ganomaly, fanogan, autoencoder or deep-svdd run).

Scores are higher for more anomalous images; the networks run in eval mode (BatchNorm on its running
statistics, never the test batch's). A threshold comes from a stated false-positive rate on the
run's validation images (normal training images it never trained on, ganforge.data.oneclass), never
from test images. Images of another size or channel count than the model's are converted (and the
command says so): grayscale <-> RGB, and a resize of the shorter side plus a centre crop.
"""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ganforge import __version__
from ganforge.data import PreprocessConfig, load_dataset
from ganforge.data.inputs import read_inputs
from ganforge.data.oneclass import one_class
from ganforge.data.streaming import square_image
from ganforge.errors import GanforgeError
from ganforge.models import FAMILIES
from ganforge.models.io import load_network, read_state, resolve_checkpoint
from ganforge.utils.files import atomic_write, atomic_write_text
from ganforge.utils.images import from_uint8
from ganforge.utils.seed import resolve_device

BATCH = 256
DEFAULT_FPR = 0.05  # false-positive rate of the threshold `evaluate` reports


@dataclass
class Detector:
    """A trained anomaly detector, ready to score uint8 images."""

    networks: dict[str, torch.nn.Module]  # the roles the family scores with (its scoring_roles)
    family: str
    image_shape: tuple[int, int, int]  # (C, H, W)
    data: str  # what it was trained on
    normal: tuple[int, ...]  # its normal classes
    source: Path
    step: int

    @torch.no_grad()
    def __call__(self, images: np.ndarray) -> np.ndarray:
        """uint8 (N, H, W, C) of the model's shape -> float64 scores (N,)."""
        device = next(self.networks["generator"].parameters()).device
        score = FAMILIES.get(self.family).anomaly_score
        scores = [score(self.networks, from_uint8(images[i : i + BATCH]).to(device)).double().cpu()
                  for i in range(0, len(images), BATCH)]
        values = torch.cat(scores).numpy()
        if not np.isfinite(values).all():
            raise GanforgeError(f"{self.source} gave non-finite scores; its training diverged: use an earlier checkpoint")
        return values


def load_detector(checkpoint: str | Path, device: str = "cpu") -> Detector:
    """The scoring network of an anomaly checkpoint."""
    folder = resolve_checkpoint(checkpoint)
    state = read_state(folder)
    family = FAMILIES.get(state["family"])
    if not family.detects_anomalies:
        raise GanforgeError(f"{folder} is a {state['family']} checkpoint, not an anomaly detector; train one with "
                            "`ganforge train ganomaly|fanogan|autoencoder|deep-svdd --normal CLASSES`")
    loaded = {role: load_network(folder, role, device=resolve_device(device)) for role in family.scoring_roles}
    config = loaded["generator"].config
    run = state.get("run", {})
    normal = tuple(PreprocessConfig(**run.get("preprocess", {})).normal)
    return Detector({role: network.generator.eval() for role, network in loaded.items()}, state["family"],
                    config.image_shape, run.get("data", ""), normal, folder, state["step"])


def _note_once(notes: list[str], note: str) -> None:
    if note not in notes:
        notes.append(note)


def conform(images: np.ndarray, shape: tuple[int, int, int], notes: list[str]) -> np.ndarray:
    """uint8 (N, H, W, C) converted to the model's (C, H, W): channels, then size; each change noted once."""
    channels, height, _ = shape
    if images.shape[3] != channels:
        _note_once(notes, f"images converted to {'grayscale' if channels == 1 else 'RGB'}, as the model was trained")
        images = (np.repeat(images, 3, axis=3) if channels == 3 else
                  (images.astype(np.float64) @ [0.299, 0.587, 0.114]).round().astype(np.uint8)[..., None])
    if images.shape[1:3] != (height, height):
        _note_once(notes, f"images resized to {height}x{height} (shorter side, then the centre), as the model was "
                          "trained")
        images = np.stack([square_image(image, height) for image in images])
    return np.ascontiguousarray(images)


def validation_scores(detector: Detector) -> np.ndarray:
    """Scores of the run's validation images: normal training images it did not train on."""
    if not detector.normal:
        raise GanforgeError(f"{detector.source} records no normal classes; pass a checkpoint of `ganforge train "
                            "... --normal CLASSES`")
    validation = one_class(load_dataset(detector.data, "train"), detector.normal, "validation")
    return detector(conform(validation.images, detector.image_shape, []))


def threshold_for(detector: Detector, false_positive_rate: float, validation: np.ndarray | None = None) -> float:
    """The score above which an image is called anomalous, so that `false_positive_rate` of the
    validation (normal) images would be (their scores `validation`, computed when not given)."""
    if not 0 < false_positive_rate < 1:
        raise GanforgeError(f"--threshold-fpr {false_positive_rate}: give a rate between 0 and 1, e.g. 0.05")
    scores = validation_scores(detector) if validation is None else validation
    return float(np.quantile(scores, 1 - false_positive_rate))


def _read(path: Path, notes: list[str], shape: tuple[int, int, int]) -> tuple[list[str], np.ndarray]:
    if path.suffix.lower() == ".npz":
        try:
            with np.load(path) as arrays:
                images = arrays["images"]
        except (OSError, KeyError, ValueError, EOFError) as error:
            raise GanforgeError(f"{path} is not an .npz with an 'images' array ({error})") from None
        if images.dtype != np.uint8 or images.ndim != 4 or images.shape[3] not in (1, 3) or not len(images):
            raise GanforgeError(f"{path}: 'images' must be uint8 (N, H, W, C) with N >= 1 and C = 1 (grayscale) or 3 "
                                f"(RGB), not {images.dtype} {images.shape}")
        return [f"{path.name}[{i}]" for i in range(len(images))], images
    names, arrays = [], []
    for file, image in read_inputs(path):
        names.append(file.name)
        arrays.append(image)
    return names, stack_images(arrays, notes, shape)


def stack_images(arrays: list[np.ndarray], notes: list[str], shape: tuple[int, int, int]) -> np.ndarray:
    """uint8 (H, W, C) images of any sizes and channel counts as one (N, H, W, C) array of the model's
    shape (C, H, W): each image converted and resized on its own, as training did (noted once), so one
    odd image never changes how the others are read."""
    return np.stack([conform(image[None], shape, notes)[0] for image in arrays])


def score_files(checkpoint: str | Path, inputs: str | Path, out: str | Path, *, threshold_fpr: float | None = None,
                device: str = "cpu") -> dict[str, Any]:
    """Score an image, a folder of images or an .npz; write `out` as CSV (file, score[, anomalous])."""
    detector = load_detector(checkpoint, device)
    threshold = threshold_for(detector, threshold_fpr) if threshold_fpr is not None else None
    notes: list[str] = []
    names, images = _read(Path(inputs), notes, detector.image_shape)
    scores = detector(conform(images, detector.image_shape, notes))
    atomic_write_text(out, scores_csv(names, scores, threshold))
    return {"count": len(scores), "threshold": threshold, "anomalous": None if threshold is None else
            int((scores > threshold).sum()), "notes": list(dict.fromkeys(notes))}


def scores_csv(names: list[str], scores: np.ndarray, threshold: float | None) -> str:
    """The CSV `ganforge anomaly` writes: file, score[, anomalous (1 above `threshold`)]."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["file", "score"] + (["anomalous"] if threshold is not None else []))
    for name, score in zip(names, scores):
        writer.writerow([name, f"{score:.6g}"] + ([int(score > threshold)] if threshold is not None else []))
    return buffer.getvalue()


def evaluate_anomaly(checkpoint: str | Path, *, real: str | None = None, device: str = "cpu",
                     out: str | Path | None = None, histogram: str | Path | None = None) -> dict[str, Any]:
    """AUROC and average precision on the held-out split of the run's data (or `real`), all images,
    labelled by the run's normal classes; the threshold at DEFAULT_FPR on validation images and the
    rates it gives on the test images; optionally a histogram of the scores (PNG)."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    started = time.perf_counter()
    detector = load_detector(checkpoint, device)
    data = real or detector.data
    if not detector.normal:
        raise GanforgeError(f"{detector.source} records no normal classes; it cannot be scored one-class")
    test = one_class(load_dataset(data, "heldout"), detector.normal, "test")
    scores = detector(conform(test.images, detector.image_shape, []))
    labels = test.labels
    threshold = threshold_for(detector, DEFAULT_FPR)
    metrics = {
        "auroc": float(roc_auc_score(labels, scores)),
        "average_precision": float(average_precision_score(labels, scores)),
        "threshold": threshold,
        "true_positive_rate": float((scores[labels == 1] > threshold).mean()),
        "false_positive_rate": float((scores[labels == 0] > threshold).mean()),
    }
    if histogram is not None:
        _histogram(scores, labels, threshold, Path(histogram), detector)
    result = {
        "metrics": metrics,
        "protocol": {
            "ganforge_version": __version__, "checkpoint": str(detector.source), "family": detector.family,
            "step": detector.step, "data": data, "normal": list(detector.normal), "n_normal": int((labels == 0).sum()),
            "n_anomalous": int((labels == 1).sum()),
            "notes": ["test: the whole held-out split; anomalous = not a normal class",
                      (f"threshold: the {1 - DEFAULT_FPR:.0%} quantile of the scores of the validation images "
                      "(normal training images held back from training)"),
                      "networks in eval mode; the model is the run's last step (never chosen by test scores)"],
        },
        "seconds": round(time.perf_counter() - started, 2),
    }
    if out is not None:
        atomic_write_text(out, json.dumps(result, indent=2) + "\n")
    return result


def _histogram(scores: np.ndarray, labels: np.ndarray, threshold: float, path: Path, detector: Detector) -> None:
    from matplotlib.figure import Figure  # not pyplot: the caller's backend is left alone

    figure = Figure(figsize=(6, 3.2), dpi=120)
    axes = figure.subplots()
    bins = np.linspace(scores.min(), np.quantile(scores, 0.995), 60)
    axes.hist(scores[labels == 0], bins=bins, alpha=0.6, density=True, label="normal")
    axes.hist(scores[labels == 1], bins=bins, alpha=0.6, density=True, label="anomalous")
    axes.axvline(threshold, color="black", linestyle="--", linewidth=1, label=f"threshold ({DEFAULT_FPR:.0%} FPR)")
    axes.set_xlabel("anomaly score")
    axes.set_title(f"{detector.family}, normal: {','.join(map(str, detector.normal))}, {detector.data}", fontsize=9)
    axes.legend(fontsize=8)
    figure.tight_layout()
    atomic_write(path, lambda tmp: figure.savefig(tmp, format="png"))


def format_anomaly(result: dict) -> str:
    """AUROC, average precision and the threshold's rates, then the protocol, as `ganforge evaluate` prints them."""
    m, p = result["metrics"], result["protocol"]
    lines = [f"AUROC {m['auroc']:.4f}   average precision {m['average_precision']:.4f}",
             (f"threshold {m['threshold']:.4g} (5 % of validation images above it): true-positive rate "
              f"{m['true_positive_rate']:.3f}, false-positive rate {m['false_positive_rate']:.3f} on the test images"),
             (f"test      {p['data']} held-out: {p['n_normal']} normal (classes {p['normal']}), {p['n_anomalous']} "
              "anomalous"),
             f"model     {p['family']} {p['checkpoint']} (step {p['step']})"]
    return "\n".join(lines + [f"note      {note}" for note in p["notes"]])
