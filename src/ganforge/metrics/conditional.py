"""How well a class-conditional generator draws the class it is asked for, compared with real data."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from ganforge.data import ImageDataset
from ganforge.metrics.classifier import classify
from ganforge.metrics.distances import mean_pairwise_distance, nearest_neighbour_distance

# sampler(count, label) -> images (count, C, H, W) in [-1, 1]
ConditionalSampler = Callable[[int, int], torch.Tensor]


def conditional_report(
    sampler: ConditionalSampler,
    classifier: torch.nn.Module,
    train: ImageDataset,
    heldout: ImageDataset,
    *,
    per_class: int = 100,
) -> dict:
    """Per class: accuracy of a real-data classifier on samples vs on held-out digits, within-class
    diversity of samples vs held-out digits, and nearest-training-neighbour distances of samples vs
    held-out digits (a copy of the training set would sit near 0)."""
    train_images, _ = train.batch(range(len(train)))
    report: dict = {"classes": {}}
    totals = {"fake_correct": 0, "real_correct": 0, "fake": 0, "real": 0}
    for label in range(train.num_classes):
        fake = sampler(per_class, label)
        real_idx = (heldout.labels == label).nonzero()[0][:per_class]
        real, _ = heldout.batch(real_idx)
        fake_hits = int((classify(classifier, fake) == label).sum())
        real_hits = int((classify(classifier, real) == label).sum())
        same_class = train_images[torch.from_numpy(train.labels == label)]
        fake_nn = nearest_neighbour_distance(fake, same_class)
        report["classes"][label] = {
            "fake_accuracy": fake_hits / len(fake),
            "real_accuracy": real_hits / len(real),
            "diversity_ratio": mean_pairwise_distance(fake) / mean_pairwise_distance(real),
            "fake_nn_distance": float(fake_nn.mean()),
            "real_nn_distance": float(nearest_neighbour_distance(real, same_class).mean()),
            "fake_min_nn_distance": float(fake_nn.min()),
        }
        totals["fake_correct"] += fake_hits
        totals["real_correct"] += real_hits
        totals["fake"] += len(fake)
        totals["real"] += len(real)
    classes = report["classes"].values()
    report["fake_accuracy"] = totals["fake_correct"] / totals["fake"]
    report["real_accuracy"] = totals["real_correct"] / totals["real"]
    report["worst_class_fake_accuracy"] = min(c["fake_accuracy"] for c in classes)
    report["min_diversity_ratio"] = min(c["diversity_ratio"] for c in classes)
    report["nn_distance_ratio"] = sum(c["fake_nn_distance"] for c in classes) / sum(c["real_nn_distance"] for c in classes)
    return report


def unconditional_report(
    sampler: Callable[[int], torch.Tensor],
    classifier: torch.nn.Module,
    train: ImageDataset,
    heldout: ImageDataset,
    *,
    count: int = 1000,
) -> dict:
    """For a generator without labels: which classes a real-data classifier sees in its samples (mode
    coverage), how confident it is, overall diversity and nearest-training-neighbour distances, each
    against real held-out images."""
    fake = sampler(count)
    chosen = torch.randperm(len(heldout), generator=torch.Generator().manual_seed(0))[:count]
    real, _ = heldout.batch(sorted(chosen.tolist()))  # a fixed sample of all of it (mnist-5k's is sorted by class)
    train_images, _ = train.batch(range(len(train)))

    def confident_share(images: torch.Tensor) -> float:
        with torch.no_grad():
            probabilities = torch.softmax(classifier.eval()(images), dim=1)
        return float((probabilities.max(dim=1).values > 0.9).float().mean())

    def shares(images: torch.Tensor) -> torch.Tensor:
        return torch.bincount(classify(classifier, images), minlength=train.num_classes).float() / len(images)

    histogram = shares(fake)
    return {
        "class_shares": [round(float(x), 4) for x in histogram],
        "smallest_class_share": float(histogram.min()),
        "class_evenness": class_evenness(histogram),
        "class_evenness_real": class_evenness(shares(real)),
        "confident_fake": confident_share(fake),
        "confident_real": confident_share(real),
        "diversity_ratio": mean_pairwise_distance(fake) / mean_pairwise_distance(real),
        "nn_distance_ratio": float(nearest_neighbour_distance(fake, train_images).mean()
                                   / nearest_neighbour_distance(real, train_images).mean()),
    }


def class_evenness(shares: torch.Tensor) -> float:
    """Entropy of class shares over its maximum: 1 when every class is equally common, 0 for one class."""
    present = shares[shares > 0]
    return float(-(present * present.log()).sum() / math.log(len(shares)))
