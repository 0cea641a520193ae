"""The real side of an evaluation, computed once and reused: features of the real (held-out)
images and of the training images, their labels and a real-data classifier's verdicts. Then
`measure` scores any number of generated sets against it (`ganforge evaluate` scores one; the
trainer's --eval-every scores one per evaluation step).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ganforge.data import ImageDataset
from ganforge.metrics.cache import CacheStatus, cached_features
from ganforge.metrics.extractors import ClassifierFeatures, FeatureExtractor
from ganforge.metrics.suite import MetricInputs, check_metrics, compute_metrics


@dataclass
class RealReference:
    """Real-image inputs of the metrics, for one feature network."""

    extractor: FeatureExtractor
    real: ImageDataset
    features: torch.Tensor  # (N_real, D)
    train_features: torch.Tensor | None  # (N_train, D): memorisation's reference
    judge: ClassifierFeatures | None  # a classifier of the real classes: class accuracy
    predictions: torch.Tensor | None  # the judge's verdict on the real images
    cache: CacheStatus
    train_cache: CacheStatus | None

    @property
    def labels(self) -> torch.Tensor | None:
        """Classes of the real images."""
        return None if self.real.labels is None else torch.from_numpy(self.real.labels).long()


def prepare_reference(
    extractor: FeatureExtractor,
    real: ImageDataset,
    *,
    train: ImageDataset | None = None,
    judge: ClassifierFeatures | None = None,
    cache: Path | None = None,
) -> RealReference:
    """Features of `real` (and `train`, if given) through `extractor`, cached in `cache` (None: not)."""
    extractor.check(real.images)
    features, status = cached_features(extractor, real.images, folder=cache)
    train_features, train_status = None, None
    if train is not None:
        train_features, train_status = cached_features(extractor, train.images, folder=cache)
    predictions = judge.predict(real.images, real.class_names) if judge is not None and real.labels is not None else None
    return RealReference(extractor, real, features, train_features, judge, predictions, status, train_status)


def measure(
    names: list[str], reference: RealReference, fake_images: np.ndarray, fake_labels: torch.Tensor | None = None
) -> dict[str, float | list[float]]:
    """Metrics `names` of uint8 (N, H, W, C) generated images (asked-for classes `fake_labels`)."""
    reference.extractor.check(fake_images)
    labelled = fake_labels is not None and reference.labels is not None
    fake_predictions = None
    if labelled and reference.predictions is not None and "class-accuracy" in names:
        fake_predictions = reference.judge.predict(fake_images, reference.real.class_names)
    inputs = MetricInputs(
        real=reference.features,
        fake=reference.extractor(fake_images),
        train=reference.train_features,
        real_labels=reference.labels,
        fake_labels=fake_labels if labelled else None,
        real_predictions=reference.predictions,
        fake_predictions=fake_predictions,
    )
    return compute_metrics(names, inputs)


def check_plan(
    names: list[str], *, n_real: int, n_fake: int, has_train: bool, real_labelled: bool, fake_labelled: bool,
    has_judge: bool,
) -> None:
    """Refuse, before any feature is computed, metrics whose inputs will be missing or too few."""
    def present(flag: bool, rows: int) -> torch.Tensor | None:
        return torch.empty(rows, 0) if flag else None

    labelled = real_labelled and fake_labelled
    check_metrics(names, MetricInputs(
        real=torch.empty(n_real, 0), fake=torch.empty(n_fake, 0), train=present(has_train, 1),
        real_labels=present(real_labelled, n_real), fake_labels=present(labelled, n_fake),
        real_predictions=present(labelled and has_judge, n_real), fake_predictions=present(labelled and has_judge, n_fake),
    ))
