"""Classification Accuracy Score (Ravuri & Vinyals 2019): how well a classifier trained only on a
conditional generator's samples classifies real held-out images, beside the same classifier trained
on as many real images. A generator whose samples carry their classes faithfully and cover each
class's variety scores near the real-data classifier; one that draws the wrong class, or one
prototype per class, scores far below it.

The classifier is ganforge's small CNN (metrics.classifier.DigitClassifier: 28x28, random shifts),
trained for CAS_STEPS steps of 64 with a fixed seed; both arms use the same schedule.
"""

from __future__ import annotations

import numpy as np
import torch

from ganforge.data import ImageDataset
from ganforge.metrics.classifier import classify, to_classifier_size, train_classifier

CAS_STEPS = 500  # classifier training steps of each arm (batch 64): about 100 s each on 2 cores


def _as_dataset(name: str, images: np.ndarray, labels: np.ndarray, num_classes: int) -> ImageDataset:
    tensor = to_classifier_size(torch.from_numpy(images).permute(0, 3, 1, 2).float().div(127.5).sub(1))
    uint8 = ((tensor + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).numpy()
    return ImageDataset(name, np.ascontiguousarray(uint8), labels.astype(np.int64), tuple(map(str, range(num_classes))))


def _accuracy(model, test: ImageDataset) -> float:
    images, labels = test.batch(np.arange(len(test)))
    return float((classify(model, images) == labels).double().mean())


def classification_accuracy_score(fake_images: np.ndarray, fake_labels: np.ndarray, test_images: np.ndarray,
                                  test_labels: np.ndarray, *, real_images: np.ndarray | None = None,
                                  real_labels: np.ndarray | None = None, steps: int = CAS_STEPS,
                                  seed: int = 0) -> dict[str, float]:
    """{"cas": accuracy on the real test images of a classifier trained on the fakes, and with
    `real_images` given, "cas_real": the same classifier trained on as many real images}. Images are
    uint8 (N, H, W, 1), square (other sides than 28 are resized), labels int (N,)."""
    num_classes = int(max(fake_labels.max(), test_labels.max())) + 1
    test = _as_dataset("real test", test_images, test_labels, num_classes)
    fake = _as_dataset("generated", fake_images, fake_labels, num_classes)
    scores = {"cas": _accuracy(train_classifier(fake, steps=steps, seed=seed), test), "cas_train_images": len(fake)}
    if real_images is not None:
        rng = np.random.default_rng(seed)
        take = rng.permutation(len(real_images))[: len(fake)]  # as many real images as fakes (or all there are)
        real = _as_dataset("real", real_images[take], real_labels[take], num_classes)
        scores["cas_real"] = _accuracy(train_classifier(real, steps=steps, seed=seed), test)
        scores["cas_real_train_images"] = len(real)
    return scores
