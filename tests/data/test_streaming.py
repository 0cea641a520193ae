"""A folder too large for memory is streamed: decoded batch by batch, to the very same batches (and
weights) as in memory, resumable exactly, chosen automatically above the memory budget."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import TINY_TOML
from PIL import Image

from ganforge.data import StreamingImageFolder, load_dataset, load_training_data
from ganforge.data import streaming as streaming_module
from ganforge.data.translation import PreprocessConfig
from ganforge.errors import GanforgeError
from ganforge.models.io import MODEL_FILE, resolve_checkpoint
from ganforge.training import train

PER_CLASS = 200  # 2,000 files in ten class folders


@pytest.fixture(scope="module")
def digit_folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("stream") / "digits"
    digits = load_dataset("mnist-5k", "train")
    for label in range(10):
        (root / str(label)).mkdir(parents=True)
        for n, index in enumerate(np.flatnonzero(digits.labels == label)[:PER_CLASS]):
            Image.fromarray(digits.images[index, :, :, 0]).save(root / str(label) / f"{n:04d}.png")
    return root


def test_streamed_batches_equal_the_in_memory_ones(digit_folder: Path):
    streamed = load_training_data("images", str(digit_folder), preprocess=PreprocessConfig(stream="always"))
    held = load_training_data("images", str(digit_folder), preprocess=PreprocessConfig(stream="never"))
    assert isinstance(streamed, StreamingImageFolder) and not isinstance(held, StreamingImageFolder)
    assert len(streamed) == len(held) == 10 * PER_CLASS and streamed.num_classes == 10
    assert streamed.image_shape == held.image_shape == (1, 28, 28)
    indices = streamed.sampler(batch_size=64, seed=3).indices(5)
    streamed.prefetch(indices)
    for (a, labels_a), (b, labels_b) in ((streamed.batch(indices), held.batch(indices)),
                                         (streamed.batch(indices[::-1]), held.batch(indices[::-1]))):
        assert a.equal(b) and labels_a.equal(labels_b)
    resized = load_training_data("images", str(digit_folder), preprocess=PreprocessConfig(stream="always", load_size=32))
    in_memory = load_training_data("images", str(digit_folder), preprocess=PreprocessConfig(stream="never", load_size=32))
    assert resized.batch(indices)[0].equal(in_memory.batch(indices)[0]) and resized.image_shape == (1, 32, 32)


def test_a_streamed_run_trains_and_resumes_to_the_same_weights(digit_folder: Path, tmp_path: Path):
    config = tmp_path / "tiny.toml"
    config.write_text(TINY_TOML)
    options = {"data": str(digit_folder), "device": "cpu", "progress": False}
    train(str(config), out=tmp_path / "memory", steps=6, overrides=["preprocess.stream=never"], **options)
    train(str(config), out=tmp_path / "stream", steps=3, overrides=["preprocess.stream=always"], **options)
    train(str(config), out=tmp_path / "stream", steps=6, resume=True, device="cpu", progress=False)
    weights = [(resolve_checkpoint(tmp_path / run) / MODEL_FILE).read_bytes() for run in ("memory", "stream")]
    assert weights[0] == weights[1]


def test_auto_streams_above_the_budget_and_refuses_mixed_sizes(digit_folder: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(streaming_module, "stream_budget", lambda: 1000 * 28 * 28)  # 1,000 digits' worth
    assert isinstance(load_training_data("images", str(digit_folder)), StreamingImageFolder)
    monkeypatch.setattr(streaming_module, "stream_budget", lambda: 10**12)
    assert not isinstance(load_training_data("images", str(digit_folder)), StreamingImageFolder)
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    Image.new("L", (28, 28)).save(mixed / "a.png")
    Image.new("L", (30, 28)).save(mixed / "b.png")
    with pytest.raises(GanforgeError, match="mixed image sizes or modes .* 28x28 and 30x28"):
        load_training_data("images", str(mixed))
    with pytest.raises(GanforgeError, match="stream = \"always\" streams image folders"):
        load_training_data("images", "mnist-5k", preprocess=PreprocessConfig(stream="always"))
