"""Measures of Moving MNIST clips, real or generated, through one tracker, so both are measured alike.

Tracking (`track`): in each frame the ink (pixels above half intensity, weighted by intensity) is split into
two groups by k-means (k = 2, Lloyd's iterations from the two ink pixels farthest apart along the ink's
main axis); each group's weighted centre is a digit's centre. Centres are carried from frame to frame by
the cheaper of the two pairings. A frame with less than MIN_INK pixels of ink has no digits (NaN).

From the tracks:
  identity    the shipped digit classifier reads the 28x28 window around each digit in each frame; a
              track keeps its identity in the frames where the reading is the track's most common one:
              `identity_kept` is that share over all tracks and frames (1.0: the digits never change)
  legibility  the classifier's mean top probability on those windows (how clearly digits are written)
  motion      per track and frame the speed (pixels per frame) of its centre; `speed_mean` and
              `speed_spread` (the mean over tracks of the std of a track's speeds: 0 for constant speed),
              `bounces_per_clip` (reversals of a centre's velocity along a frame axis, moves of under
              1 px ignored), `jump_share` (steps faster than JUMP px: a digit teleporting)
Real clips move at 2-5 px per frame (data/moving_mnist.py) and bounce off the borders; overlapping digits
merge into one blob for a few frames, which makes the tracker's centres jump: the real held-out clips,
measured the same way, give the values to compare with.
"""

from __future__ import annotations

import numpy as np
import torch

from ganforge.metrics.classifier import load_classifier
from ganforge.models.pretrained import WEIGHTS_DIR

INK = 128  # uint8 intensity above which a pixel is ink
MIN_INK = 10  # pixels of ink a frame needs to have digits
WINDOW = 28  # side of the window read around a digit's centre
JUMP = 12.0  # px per frame above which a step is a jump (real digits move at most 5)
KMEANS_STEPS = 10


def _two_centres(frame: np.ndarray) -> np.ndarray:
    """(2, 2) (row, column) centres of the two ink groups of a uint8 (H, W) frame, NaN without ink."""
    rows, cols = np.nonzero(frame > INK)
    if len(rows) < MIN_INK:
        return np.full((2, 2), np.nan)
    points = np.stack([rows, cols], 1).astype(np.float64)
    weights = frame[rows, cols].astype(np.float64)
    centred = points - np.average(points, axis=0, weights=weights)
    axis = np.linalg.svd(centred * np.sqrt(weights)[:, None], full_matrices=False)[2][0]
    along = centred @ axis
    centres = points[[along.argmin(), along.argmax()]]
    for _ in range(KMEANS_STEPS):
        nearest = ((points[:, None] - centres[None]) ** 2).sum(-1).argmin(1)
        for k in range(2):
            if (nearest == k).any():
                centres[k] = np.average(points[nearest == k], axis=0, weights=weights[nearest == k])
    return centres


def track(clip: np.ndarray) -> np.ndarray:
    """uint8 (T, H, W) frames -> (T, 2, 2) centres of the two digits, each row following one digit."""
    centres = np.stack([_two_centres(frame) for frame in clip])
    for t in range(1, len(centres)):
        previous, current = centres[t - 1], centres[t]
        if np.isnan(previous).any() or np.isnan(current).any():
            continue
        kept = np.linalg.norm(previous - current, axis=1).sum()
        swapped = np.linalg.norm(previous - current[::-1], axis=1).sum()
        if swapped < kept:
            centres[t] = current[::-1]
    return centres


def windows(clip: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """The 28x28 window around each tracked centre: uint8 (T, 2, 28, 28) (zeros where there is no centre)."""
    frames = len(clip)
    padded = np.pad(clip, ((0, 0), (WINDOW, WINDOW), (WINDOW, WINDOW)))
    out = np.zeros((frames, 2, WINDOW, WINDOW), np.uint8)
    for t in range(frames):
        for k in range(2):
            if np.isnan(centres[t, k]).any():
                continue
            row = round(centres[t, k, 0]) - WINDOW // 2 + WINDOW
            col = round(centres[t, k, 1]) - WINDOW // 2 + WINDOW
            out[t, k] = padded[t, row : row + WINDOW, col : col + WINDOW]
    return out


def _bounces(path: np.ndarray) -> int:
    """Velocity reversals along each axis of one centre's path (T, 2), moves under 1 px ignored."""
    count = 0
    for axis in range(2):
        steps = np.diff(path[:, axis])
        signs = np.sign(steps[np.abs(steps) >= 1])
        count += int((signs[1:] != signs[:-1]).sum())
    return count


def measure_clips(clips: np.ndarray, classifier: torch.nn.Module | None = None) -> dict[str, float]:
    """The module's measures of uint8 clips (N, T, H, W[, 1])."""
    clips = np.asarray(clips)
    if clips.ndim == 5:
        clips = clips[..., 0]
    classifier = classifier or load_classifier(WEIGHTS_DIR / "mnist-classifier")
    tracks = [track(clip) for clip in clips]
    crops = np.stack([windows(clip, centres) for clip, centres in zip(clips, tracks)])  # (N, T, 2, 28, 28)
    images = torch.from_numpy(crops.reshape(-1, 1, WINDOW, WINDOW)).float().div(127.5).sub(1)
    with torch.no_grad():
        probabilities = torch.cat([classifier(images[i : i + 2000]).softmax(1) for i in range(0, len(images), 2000)])
    readings = probabilities.argmax(1).numpy().reshape(crops.shape[:3])  # (N, T, 2)
    present = np.stack([~np.isnan(centres).any(-1) for centres in tracks])  # (N, T, 2)
    kept = []
    for clip_readings, clip_present in zip(readings, present):
        for k in range(2):
            seen = clip_readings[clip_present[:, k], k]
            if len(seen):
                kept.append(np.bincount(seen, minlength=10).max() / len(seen))
    speeds = [np.linalg.norm(np.diff(centres[:, k], axis=0), axis=1) for centres in tracks for k in range(2)]
    speeds = [s[np.isfinite(s)] for s in speeds]
    every = np.concatenate(speeds) if speeds else np.array([])
    return {
        "clips": len(clips),
        "identity_kept": float(np.mean(kept)) if kept else float("nan"),
        "legibility": float(probabilities.max(1).values[torch.from_numpy(present.reshape(-1))].mean()),
        "speed_mean": float(every.mean()) if len(every) else float("nan"),
        "speed_spread": float(np.mean([s.std() for s in speeds if len(s) > 1])),
        "bounces_per_clip": float(np.mean([sum(_bounces(c[:, k]) for k in range(2)) for c in tracks])),
        "jump_share": float((every > JUMP).mean()) if len(every) else float("nan"),
        "frames_with_digits": float(present.all(-1).mean()),
    }
