"""The metric registry: what each metric needs, how many images it takes, and what it returns."""

from __future__ import annotations

import pytest
import torch

from ganforge.errors import GanforgeError
from ganforge.metrics.suite import METRICS, MetricInputs, compute_metrics


def _gaussians(n: int = 200, dim: int = 8, shift: float = 0.0, seed: int = 0) -> torch.Tensor:
    return torch.randn(n, dim, generator=torch.Generator().manual_seed(seed), dtype=torch.float64) + shift


def test_unknown_metric_suggests_the_close_one():
    with pytest.raises(GanforgeError, match="did you mean 'fid'"):
        METRICS.get("fdi")


def test_every_metric_reports_its_headline():
    real, fake, train = _gaussians(seed=0), _gaussians(seed=1), _gaussians(seed=2)
    labels = torch.arange(200) % 4
    inputs = MetricInputs(real, fake, train, labels, labels, labels, labels)
    for name in METRICS:
        values = compute_metrics([name], inputs)
        assert METRICS.get(name).headline in values, name


def test_too_few_images_says_how_many():
    inputs = MetricInputs(_gaussians(10), _gaussians(3, seed=1))
    with pytest.raises(GanforgeError, match="precision-recall needs at least 4 .* got 10 real and 3 generated"):
        compute_metrics(["fid", "precision-recall"], inputs)


def test_missing_input_names_what_would_provide_it():
    with pytest.raises(GanforgeError, match="cannot compute memorisation: .*training split"):
        compute_metrics(["memorisation"], MetricInputs(_gaussians(), _gaussians(seed=1)))
    with pytest.raises(GanforgeError, match="cannot compute intra-fid: .*conditional"):
        compute_metrics(["intra-fid"], MetricInputs(_gaussians(), _gaussians(seed=1), real_labels=torch.zeros(200)))


def test_kid_subsets_are_half_of_a_small_set():
    values = compute_metrics(["kid"], MetricInputs(_gaussians(300), _gaussians(300, seed=1)))
    assert values["kid_subset_size"] == 150 and values["kid_std"] > 0
    big = compute_metrics(["kid"], MetricInputs(_gaussians(2500), _gaussians(2500, seed=1)))
    assert big["kid_subset_size"] == 1000


def test_class_accuracy_counts_agreement_with_the_asked_class():
    asked = torch.arange(100) % 10
    verdict = asked.clone()
    verdict[:7] = (verdict[:7] + 1) % 10  # the judge disagrees on 7 samples
    inputs = MetricInputs(_gaussians(100), _gaussians(100, seed=1), real_labels=asked, fake_labels=asked,
                          real_predictions=asked, fake_predictions=verdict)
    values = compute_metrics(["class-accuracy"], inputs)
    assert values["class_accuracy"] == pytest.approx(0.93) and values["class_accuracy_real"] == 1.0


def test_intra_fid_sees_a_class_that_global_fid_misses():
    # fakes with every class present but two classes swapped: the pooled distribution is the same,
    # the per-class one is not
    labels = torch.arange(400) % 2
    real = _gaussians(400, seed=3) + labels[:, None].double() * 4
    fake = _gaussians(400, seed=4) + (1 - labels[:, None].double()) * 4
    values = compute_metrics(["fid", "intra-fid"], MetricInputs(real, fake, real_labels=labels, fake_labels=labels))
    assert values["fid"] < 1.0 and values["intra_fid"] > 100
    assert len(values["intra_fid_per_class"]) == 2
