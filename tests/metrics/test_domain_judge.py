"""The two-domain judge (metrics/domains.py): a logistic-regression probe on a feature network's features.
Here on real data and a quick network: the 5,000 MNIST digits' 3s against their 8s through the shipped digit
classifier's features (the pets judge does the same on Inception features of cats and dogs)."""

from __future__ import annotations

import numpy as np
import pytest

from ganforge.data import load_dataset
from ganforge.errors import GanforgeError
from ganforge.metrics.domains import load_domain_judge, save_domain_judge, train_domain_judge
from ganforge.metrics.extractors import build_extractor


def _features(split: str, digit: int) -> np.ndarray:
    data = load_dataset("mnist-5k", split)
    images = np.asarray(data.images)[np.asarray(data.labels) == digit]
    return build_extractor("digits")(images).numpy()


def test_the_probe_separates_two_real_domains_it_never_saw_and_survives_saving(tmp_path):
    judge = train_domain_judge(_features("train", 3), _features("train", 8), ("threes", "eights"))
    threes, eights = _features("heldout", 3), _features("heldout", 8)
    accuracy = np.r_[judge.read(threes) == 0, judge.read(eights) == 1].mean()
    assert accuracy > 0.95
    save_domain_judge(judge, tmp_path / "judge", {"note": "test"})
    loaded = load_domain_judge(tmp_path / "judge")
    assert loaded.domains == ("threes", "eights")
    np.testing.assert_allclose(loaded.probability_b(threes), judge.probability_b(threes), atol=1e-4)


def test_the_probe_refuses_a_domain_without_photos(tmp_path):
    with pytest.raises(GanforgeError, match="at least two photos of each domain"):
        train_domain_judge(np.zeros((1, 4)), np.ones((5, 4)), ("a", "b"))
    with pytest.raises(GanforgeError, match="cannot load the domain judge"):
        load_domain_judge(tmp_path / "missing")
