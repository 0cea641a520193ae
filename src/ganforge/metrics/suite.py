"""The metric registry: each metric names what it needs and how many images it takes, and turns
feature sets (and class predictions) into numbers. `ganforge evaluate`, the trainer's
--eval-every and the benchmarks all compute through `compute_metrics`, and the CLI validates
--metrics against `METRICS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from ganforge.errors import GanforgeError
from ganforge.metrics.features import density_coverage, fid, kid, memorisation_share, precision_recall
from ganforge.registry import Registry

PR_NEIGHBOURS = 3  # k of improved precision/recall (Kynkäänniemi et al. 2019)
DC_NEIGHBOURS = 5  # k of density/coverage (Naeem et al. 2020)
KID_SUBSETS, KID_SUBSET_SIZE = 100, 1000  # as in Bińkowski et al. and clean-fid
MEMORISATION_QUANTILE = 0.05  # real held-out images score about this share; copies push it to 1


@dataclass(frozen=True)
class MetricInputs:
    """Everything a metric may read. Features are (N, D) float64 from one extractor."""

    real: torch.Tensor  # features of the real (held-out) images
    fake: torch.Tensor  # features of the generated images
    train: torch.Tensor | None = None  # features of the training images (memorisation)
    real_labels: torch.Tensor | None = None  # (N_real,) classes of the real images
    fake_labels: torch.Tensor | None = None  # (N_fake,) classes the generator was asked for
    real_predictions: torch.Tensor | None = None  # a real-data classifier's verdict on the real images
    fake_predictions: torch.Tensor | None = None  # ... and on the generated ones


@dataclass(frozen=True)
class Metric:
    """One entry of the registry."""

    description: str
    compute: Callable[[MetricInputs], dict[str, float | list[float]]]
    headline: str  # the key of the value it is judged by (best-checkpoint tracking)
    min_images: int = 2  # in each of the real and fake sets
    needs: tuple[str, ...] = ()  # names of optional MetricInputs fields that must be present
    lower_is_better: bool = True  # of its headline value


def _kid(inputs: MetricInputs) -> dict[str, float]:
    # the usual 100 subsets of 1,000; smaller sets use subsets of half their size, so the spread
    # over subsets still says something (subsets as large as the set would all be the same)
    size = min(KID_SUBSET_SIZE, max(2, min(len(inputs.real), len(inputs.fake)) // 2))
    mean, std = kid(inputs.real, inputs.fake, subsets=KID_SUBSETS, subset_size=size)
    return {"kid": mean, "kid_std": std, "kid_subset_size": size}


def _precision_recall(inputs: MetricInputs) -> dict[str, float]:
    precision, recall = precision_recall(inputs.real, inputs.fake, k=PR_NEIGHBOURS)
    return {"precision": precision, "recall": recall}


def _density_coverage(inputs: MetricInputs) -> dict[str, float]:
    density, coverage = density_coverage(inputs.real, inputs.fake, k=DC_NEIGHBOURS)
    return {"density": density, "coverage": coverage}


def _memorisation(inputs: MetricInputs) -> dict[str, float]:
    return {
        "memorisation": memorisation_share(inputs.train, inputs.real, inputs.fake, quantile=MEMORISATION_QUANTILE),
        "memorisation_real": MEMORISATION_QUANTILE,
    }


def _class_accuracy(inputs: MetricInputs) -> dict[str, float]:
    fake = (inputs.fake_predictions == inputs.fake_labels).double().mean()
    real = (inputs.real_predictions == inputs.real_labels).double().mean()
    return {"class_accuracy": float(fake), "class_accuracy_real": float(real)}


def _intra_fid(inputs: MetricInputs) -> dict[str, float | list[float]]:
    per_class = []
    for label in torch.unique(inputs.real_labels).tolist():
        real = inputs.real[inputs.real_labels == label]
        fake = inputs.fake[inputs.fake_labels == label]
        if len(real) < 2 or len(fake) < 2:
            raise GanforgeError(
                f"intra-fid needs at least 2 real and 2 generated images of every class; class {label} has "
                f"{len(real)} real and {len(fake)} generated: raise --num"
            )
        per_class.append(fid(real, fake))
    return {"intra_fid": sum(per_class) / len(per_class), "intra_fid_per_class": per_class}


METRICS: Registry[Metric] = Registry("metric")
METRICS.register("fid", Metric(
    "Fréchet distance of feature Gaussians (Heusel et al. 2017)", lambda i: {"fid": fid(i.real, i.fake)}, "fid",
))
METRICS.register("kid", Metric(
    "kernel distance, unbiased; mean and std over subsets (Bińkowski et al. 2018)", _kid, "kid",
))
METRICS.register("precision-recall", Metric(
    f"improved precision (quality) and recall (diversity), k={PR_NEIGHBOURS}", _precision_recall, "precision",
    min_images=PR_NEIGHBOURS + 1, lower_is_better=False,
))
METRICS.register("density-coverage", Metric(
    f"density and coverage (Naeem et al. 2020), k={DC_NEIGHBOURS}", _density_coverage, "coverage",
    min_images=DC_NEIGHBOURS + 1, lower_is_better=False,
))
METRICS.register("memorisation", Metric(
    f"share of samples closer to a training image than {1 - MEMORISATION_QUANTILE:.0%} of real held-out images are",
    _memorisation, "memorisation", needs=("train",),
))
METRICS.register("class-accuracy", Metric(
    "share of samples a real-data classifier assigns to the class asked for", _class_accuracy, "class_accuracy",
    min_images=1, needs=("fake_labels", "real_labels", "fake_predictions", "real_predictions"), lower_is_better=False,
))
METRICS.register("intra-fid", Metric(
    "FID within each class, averaged over classes", _intra_fid, "intra_fid", needs=("fake_labels", "real_labels"),
))

INPUT_HINTS = {  # what the user can do when a metric's input is missing
    "train": "it needs the training split of a named dataset (--real mnist-5k, fashion-mnist, ...)",
    "fake_labels": "it needs a conditional model (or an .npz with labels)",
    "real_labels": "it needs labelled real data",
    "fake_predictions": "it needs a shipped classifier for the real data (mnist-5k, mnist, fashion-mnist)",
    "real_predictions": "it needs a shipped classifier for the real data (mnist-5k, mnist, fashion-mnist)",
}


def check_metrics(names: list[str], inputs: MetricInputs) -> None:
    """A user error naming the first metric that lacks an input or images."""
    for name in names:
        metric = METRICS.get(name)
        missing = [field for field in metric.needs if getattr(inputs, field) is None]
        if missing:
            raise GanforgeError(f"cannot compute {name}: {INPUT_HINTS[missing[0]]}; drop it from --metrics")
        real, fake = len(inputs.real), len(inputs.fake)
        if min(real, fake) < metric.min_images:
            raise GanforgeError(
                f"{name} needs at least {metric.min_images} real and {metric.min_images} generated images; "
                f"got {real} real and {fake} generated"
            )


def compute_metrics(names: list[str], inputs: MetricInputs) -> dict[str, float | list[float]]:
    """Values of the metrics `names`, in order, as one flat dict."""
    check_metrics(names, inputs)
    values: dict[str, float | list[float]] = {}
    for name in names:
        values.update(METRICS.get(name).compute(inputs))
    return values

