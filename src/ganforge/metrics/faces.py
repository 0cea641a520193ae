"""The face judge: a small CNN trained on real UTKFace photos (never on a GAN's output) that reads a
64x64 colour face's sex and age. It judges the face models as the digit classifier judges digits: the
share of `faces-cgan --label male` samples read as men, how far an age edit moved the predicted age.

Architecture: a stride-2 stem (32 channels, 64 -> 32 pixels) and three conv blocks (64, 128, 256
channels; BN, ReLU, max-pool) down to 4x4, global average pooling, dropout, then two heads: sex logits (male, female) and age in years (a regression of
age / AGE_SCALE, so that its loss is on the scale of the cross-entropy). Trained with random
left-right flips and shifts of up to 4 pixels (reflected borders), Adam with a one-cycle schedule.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch import nn

from ganforge.data.loader import BatchSampler
from ganforge.errors import GanforgeError
from ganforge.metrics.classifier import descend
from ganforge.models.pretrained import WEIGHTS_DIR
from ganforge.utils.files import atomic_write, atomic_write_text
from ganforge.utils.images import from_uint8

FACE_SIDE = 64  # the judge's input side; other sizes are resized to it
AGE_SCALE = 10.0  # the age head predicts years / 10
SEX_NAMES = ("male", "female")


class FaceAttributeClassifier(nn.Module):
    """(B, 3, 64, 64) in [-1, 1] -> (sex logits (B, 2), age in years (B,)); 0.39 M parameters, small enough
    to train in minutes on a CPU core."""

    num_classes = 2  # the sex head: what a conditional face model is judged on

    def __init__(self):
        super().__init__()
        blocks, channels = [nn.Conv2d(3, 32, 3, stride=2, padding=1), nn.BatchNorm2d(32), nn.ReLU()], 32  # 32x32
        for width in (64, 128, 256):  # 32 -> 16 -> 8 -> 4
            blocks += [nn.Conv2d(channels, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(), nn.MaxPool2d(2)]
            channels = width
        self.features = nn.Sequential(*blocks, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3))
        self.sex = nn.Linear(channels, 2)
        self.age = nn.Linear(channels, 1)

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        features = self.features(to_face_size(images))
        return self.sex(features), self.age(features)[:, 0] * AGE_SCALE


def to_face_size(images: torch.Tensor) -> torch.Tensor:
    """(B, 3, H, W) of another square size resized to the judge's 64x64 (bilinear, antialiased)."""
    if images.shape[-2:] == (FACE_SIDE, FACE_SIDE):
        return images
    return F.interpolate(images, size=(FACE_SIDE, FACE_SIDE), mode="bilinear", antialias=True, align_corners=False)


def _flip_and_shift(images: torch.Tensor, generator: torch.Generator, max_shift: int = 4) -> torch.Tensor:
    """Random left-right flips and shifts of up to max_shift pixels (reflected borders)."""
    flip = torch.rand(len(images), generator=generator) < 0.5
    images = torch.where(flip[:, None, None, None], images.flip(3), images)
    padded = F.pad(images, [max_shift] * 4, mode="reflect")
    side = images.shape[-1]
    offsets = torch.randint(0, 2 * max_shift + 1, (len(images), 2), generator=generator).tolist()
    return torch.stack([padded[i, :, dy : dy + side, dx : dx + side] for i, (dy, dx) in enumerate(offsets)])


def train_face_classifier(images: np.ndarray, sexes: np.ndarray, ages: np.ndarray, *, steps: int = 4000,
                          batch_size: int = 64, seed: int = 0) -> FaceAttributeClassifier:
    """Train on uint8 (N, 64, 64, 3) faces with their sex (0 male, 1 female) and age in years;
    deterministic for a seed on one machine. Its own torch.Generator: the global RNG is left alone."""
    if images.ndim != 4 or images.shape[3] != 3 or len(images) != len(sexes) or len(images) != len(ages):
        raise GanforgeError("the face judge trains on (N, H, W, 3) colour faces with a sex and an age each")
    generator = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = FaceAttributeClassifier()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=3e-3, total_steps=steps)
    sampler = BatchSampler(num_items=len(images), batch_size=batch_size, seed=seed)
    sex_labels, age_targets = torch.from_numpy(np.asarray(sexes, np.int64)), torch.from_numpy(np.asarray(ages, np.float32))
    model.train()
    for step in range(steps):
        index = sampler.indices(step)
        inputs = _flip_and_shift(to_face_size(from_uint8(images[index])), generator)
        with torch.random.fork_rng(devices=[]):  # dropout draws from a step-seeded RNG, not the caller's
            torch.manual_seed(seed * 1_000_003 + step)
            sex_logits, age = model(inputs)
        loss = F.cross_entropy(sex_logits, sex_labels[index]) + F.smooth_l1_loss(age / AGE_SCALE,
                                                                                  age_targets[index] / AGE_SCALE)
        descend(loss, optimizer, schedule)
    return model.eval()


@torch.no_grad()
def read_faces(model: FaceAttributeClassifier, images: torch.Tensor, batch_size: int = 256
               ) -> tuple[torch.Tensor, torch.Tensor]:
    """(probability of female (N,), age in years (N,)) of faces (N, 3, H, W) in [-1, 1]."""
    model.eval()
    female, ages = [], []
    for start in range(0, len(images), batch_size):
        logits, age = model(images[start : start + batch_size])
        female.append(logits.softmax(1)[:, 1])
        ages.append(age)
    return torch.cat(female), torch.cat(ages)


def save_face_classifier(model: FaceAttributeClassifier, folder: Path, card: dict) -> None:
    """Weights as safetensors, and a JSON card of how they were made and how well they read held-out faces."""
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    atomic_write(folder / "model.safetensors", lambda tmp: save_file(state, tmp))
    atomic_write_text(folder / "card.json", json.dumps({"architecture": "FaceAttributeClassifier", **card},
                                                        indent=2) + "\n")


def load_face_classifier(folder: Path) -> FaceAttributeClassifier:
    """The shipped (or a saved) face judge."""
    model = FaceAttributeClassifier()
    try:
        model.load_state_dict(load_file(folder / "model.safetensors"))
    except (OSError, RuntimeError) as error:
        raise GanforgeError(f"cannot load the face judge from {folder} ({error})") from None
    return model.eval()


# Attributes of a face that the shipped judge reads, for the supervised editing directions (apps/directions.py):
# sex as the judge's log-odds of "female" (a linear target, unlike a probability that saturates; positive is
# more female), age in years. Both are read on colour faces (N, 3, H, W) in [-1, 1].
FACE_ATTRIBUTES = ("sex", "age")
SEX_LOGIT_CLIP = 1e-4  # probabilities clipped to [clip, 1 - clip] before the log-odds: at most +-9.2


def face_attributes(images: torch.Tensor, names: tuple[str, ...] | list[str],
                    judge: FaceAttributeClassifier | None = None) -> dict[str, np.ndarray]:
    """{name: float64 (N,)} of the named FACE_ATTRIBUTES, read by `judge` (default: the shipped one)."""
    unknown = [name for name in names if name not in FACE_ATTRIBUTES]
    if unknown:
        raise GanforgeError(f"unknown face attribute {unknown[0]!r}; the face judge reads {', '.join(FACE_ATTRIBUTES)}")
    if images.ndim != 4 or images.shape[1] != 3:
        raise GanforgeError(f"the face judge reads colour faces (N, 3, H, W), not {tuple(images.shape)}")
    judge = judge if judge is not None else shipped_face_judge()
    female, ages = read_faces(judge, images.detach().float().cpu())
    female = female.double().clamp(SEX_LOGIT_CLIP, 1 - SEX_LOGIT_CLIP)
    values = {"sex": torch.log(female / (1 - female)).numpy(), "age": ages.double().numpy()}
    return {name: values[name] for name in names}


_SHIPPED: dict[str, FaceAttributeClassifier] = {}


def shipped_face_judge() -> FaceAttributeClassifier:
    """The face judge shipped in the package's weights (loaded once)."""
    if "judge" not in _SHIPPED:
        _SHIPPED["judge"] = load_face_classifier(WEIGHTS_DIR / "face-attributes")
    return _SHIPPED["judge"]
