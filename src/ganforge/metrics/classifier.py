"""A small CNN trained on real images (never the GAN's discriminator) to judge class-conditional samples."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch import nn

from ganforge.data import BatchSampler, ImageDataset
from ganforge.errors import GanforgeError
from ganforge.utils.files import atomic_write, atomic_write_text


class DigitClassifier(nn.Module):
    """28x28 grayscale -> logits over classes: two conv blocks and a dense head (0.47 M parameters)."""

    def __init__(self, num_classes: int = 10, channels: int = 1):
        super().__init__()
        self.num_classes = num_classes
        self.net = nn.Sequential(
            nn.Conv2d(channels, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),  # 14x14
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.Conv2d(64, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),  # 7x7
            nn.Flatten(), nn.Dropout(0.3), nn.Linear(64 * 49, 128), nn.ReLU(), nn.Linear(128, num_classes),
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Images (B, C, 28, 28) in [-1, 1] -> logits (B, num_classes)."""
        return self.net(images)


CLASSIFIER_SIDE = 28  # the classifiers' input: MNIST's and Fashion-MNIST's size


def to_classifier_size(images: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) images of another square size (stylegan2-mnist draws 32x32) resized to the
    classifiers' 28x28 (bilinear, antialiased); 28x28 images are returned as they are."""
    if images.shape[-2:] == (CLASSIFIER_SIDE, CLASSIFIER_SIDE):
        return images
    return F.interpolate(images, size=(CLASSIFIER_SIDE, CLASSIFIER_SIDE), mode="bilinear", antialias=True,
                         align_corners=False)


def _shift(images: torch.Tensor, generator: torch.Generator, max_shift: int = 2) -> torch.Tensor:
    """Random translations of up to max_shift pixels, filled with background (-1)."""
    padded = F.pad(images, [max_shift] * 4, value=-1.0)
    size = images.shape[-1]
    out = torch.empty_like(images)
    offsets = torch.randint(0, 2 * max_shift + 1, (len(images), 2), generator=generator)
    for i, (dy, dx) in enumerate(offsets.tolist()):
        out[i] = padded[i, :, dy : dy + size, dx : dx + size]
    return out


def classic_augment(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """The classic augmentation of digits: a random rotation (up to 10 degrees either way), scaling
    (0.9 to 1.1) and shift (up to 2 pixels) of each image, background (-1) filling the corners."""
    count, _, height, width = images.shape
    angle = (torch.rand(count, generator=generator) * 2 - 1) * math.radians(10)
    scale = 0.9 + torch.rand(count, generator=generator) * 0.2
    shift = (torch.rand(count, 2, generator=generator) * 2 - 1) * 2 / torch.tensor([width / 2, height / 2])
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images + 1, grid, mode="bilinear", padding_mode="zeros", align_corners=False) - 1


AUGMENTATIONS = {"shift": _shift, "classic": classic_augment, "none": lambda images, generator: images}


def train_classifier(dataset: ImageDataset, *, steps: int = 1500, batch_size: int = 64, seed: int = 0,
                     augmentation: str = "shift") -> DigitClassifier:
    """Train a DigitClassifier on `dataset`, deterministic for a given seed; each batch augmented by
    `augmentation`: shift (random shifts of up to 2 pixels), classic (rotation, scaling and shift) or none."""
    if augmentation not in AUGMENTATIONS:
        raise GanforgeError(f"augmentation {augmentation!r}: choose one of {', '.join(AUGMENTATIONS)}")
    if dataset.labels is None:
        raise GanforgeError(f"{dataset.name} has no labels; a classifier needs labelled images")
    with torch.random.fork_rng(devices=[]):  # the caller's random state is left as it was
        torch.manual_seed(seed)
        model = DigitClassifier(dataset.num_classes, dataset.image_shape[0])
        return fit_classifier(model, dataset, AUGMENTATIONS[augmentation], steps=steps, batch_size=batch_size,
                              seed=seed)


def fit_classifier(model: nn.Module, data, augment: Callable[[torch.Tensor, torch.Generator], torch.Tensor], *,
                   steps: int, batch_size: int, seed: int) -> nn.Module:
    """The judges' training loop: Adam with a one-cycle schedule (peak 3e-3) on cross-entropy, batches
    from a seeded sampler, each augmented by `augment(inputs, generator)`; returns the model in eval mode."""
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=3e-3, total_steps=steps)
    sampler = BatchSampler(num_items=len(data), batch_size=batch_size, seed=seed)
    generator = torch.Generator().manual_seed(seed)
    model.train()
    for step in range(steps):
        inputs, labels = data.batch(sampler.indices(step))
        descend(F.cross_entropy(model(augment(inputs, generator)), labels), optimizer, schedule)
    return model.eval()


def descend(loss: torch.Tensor, optimizer: torch.optim.Optimizer, schedule) -> None:
    """One step of the judges' training loops: gradients of `loss`, the optimiser step, the schedule step."""
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    schedule.step()


@torch.no_grad()
def classify(model: nn.Module, images: torch.Tensor, batch_size: int = 500) -> torch.Tensor:
    """Predicted class of each image, shape (N,)."""
    model.eval()
    return torch.cat([model(images[i : i + batch_size]).argmax(1) for i in range(0, len(images), batch_size)])


def save_classifier(model: nn.Module, folder: Path, card: dict) -> None:
    """Weights as safetensors, plus a JSON card of how they were made (any classifier with num_classes)."""
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    atomic_write(folder / "model.safetensors", lambda tmp: save_file(state, tmp))
    atomic_write_text(folder / "card.json", json.dumps({"num_classes": model.num_classes, **card}, indent=2) + "\n")


def load_classifier(folder: Path, architecture: type[nn.Module] = DigitClassifier) -> nn.Module:
    """A classifier saved by save_classifier, built as `architecture(num_classes)`."""
    card = json.loads((folder / "card.json").read_text())
    model = architecture(card["num_classes"])
    model.load_state_dict(load_file(folder / "model.safetensors"))
    return model.eval()
