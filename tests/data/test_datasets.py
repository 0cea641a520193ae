"""Loaders on real data: mnist-5k's fixed split, Fashion-MNIST IDX, image folders, and their errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ganforge.data import FASHION_MNIST_DIR, BatchSampler, load_dataset
from ganforge.data.idx import read_idx
from ganforge.errors import GanforgeError


def test_mnist5k_split_is_fixed_disjoint_and_balanced():
    train, heldout = load_dataset("mnist-5k", "train"), load_dataset("mnist-5k", "heldout")
    assert (len(train), len(heldout)) == (4000, 1000)
    assert np.bincount(train.labels).tolist() == [400] * 10
    assert np.bincount(heldout.labels).tolist() == [100] * 10
    train_set = {image.tobytes() for image in train.images}
    assert not any(image.tobytes() in train_set for image in heldout.images)
    images, _ = train.batch(np.arange(8))
    assert images.shape == (8, 1, 28, 28) and images.min() == -1 and images.max() <= 1
    # real digits: mostly black background, some bright strokes
    assert 0.05 < (images > 0).float().mean() < 0.4


@pytest.mark.skipif(not (FASHION_MNIST_DIR / "train-images-idx3-ubyte.gz").exists(),
                    reason="Debian's dataset-fashion-mnist is not installed (make data installs it)")
def test_fashion_mnist_from_debian_idx_files():
    train, heldout = load_dataset("fashion-mnist", "train"), load_dataset("fashion-mnist", "heldout")
    assert (len(train), len(heldout)) == (60000, 10000)
    assert train.class_names[9] == "Ankle boot"
    assert np.bincount(train.labels).tolist() == [6000] * 10
    assert len(load_dataset("fashion-mnist", "all")) == 70000


def _write_idx(path: Path, array: np.ndarray, gz: bool) -> None:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    data = header + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(data) if gz else data)


@pytest.mark.parametrize("gz", [True, False])
def test_idx_folder_raw_and_gzipped(tmp_path: Path, gz: bool):
    images = np.random.default_rng(0).integers(0, 256, (12, 28, 28), dtype=np.uint8)
    labels = np.arange(12) % 3
    suffix = ".gz" if gz else ""
    _write_idx(tmp_path / f"train-images-idx3-ubyte{suffix}", images, gz)
    _write_idx(tmp_path / f"train-labels-idx1-ubyte{suffix}", labels, gz)
    dataset = load_dataset(str(tmp_path))
    assert np.array_equal(dataset.images[..., 0], images)
    assert dataset.labels.tolist() == labels.tolist() and dataset.num_classes == 3


def test_truncated_idx_is_a_clear_error(tmp_path: Path):
    _write_idx(tmp_path / "x", np.zeros((4, 28, 28)), gz=False)
    (tmp_path / "x").write_bytes((tmp_path / "x").read_bytes()[:-10])
    with pytest.raises(GanforgeError, match="truncated"):
        read_idx(tmp_path / "x")


def _png(path: Path, size=(28, 28), mode="L", value=128) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, value).save(path)


def test_image_folder_with_class_subfolders(tmp_path: Path):
    for cls, value in (("cats", 10), ("dogs", 200)):
        for i in range(3):
            _png(tmp_path / cls / f"{i}.png", value=value)
    dataset = load_dataset(str(tmp_path))
    assert dataset.class_names == ("cats", "dogs")
    assert dataset.labels.tolist() == [0, 0, 0, 1, 1, 1]
    assert dataset.images[0, 0, 0, 0] == 10 and dataset.images[-1, 0, 0, 0] == 200


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda root: None, "does not exist"),
        (lambda root: root.mkdir(), "no images"),
        (lambda root: (root.mkdir(), (root / "bad.png").write_bytes(b"not an image")), "not a readable image"),
        (lambda root: (_png(root / "a.png"), _png(root / "b.png", size=(32, 32))), "mixed image sizes"),
        (lambda root: (_png(root / "a.png"), _png(root / "b.png", mode="RGB", value=(1, 2, 3))), "mixed image sizes or modes"),
    ],
)
def test_bad_folders_name_the_problem(tmp_path: Path, setup, message):
    root = tmp_path / "data"
    setup(root)
    with pytest.raises(GanforgeError, match=message):
        load_dataset(str(root))


def test_unknown_dataset_suggests_the_right_name():
    with pytest.raises(GanforgeError, match="did you mean 'mnist-5k'"):
        load_dataset("mnist5k")


def test_batch_sampler_is_a_function_of_the_step_and_shards_across_ranks():
    one = BatchSampler(num_items=100, batch_size=10, seed=3)
    again = BatchSampler(num_items=100, batch_size=10, seed=3)
    first_epoch = np.concatenate([one.indices(s) for s in range(10)])
    assert sorted(first_epoch.tolist()) == list(range(100))  # each image once per epoch
    assert np.array_equal(again.indices(17), one.indices(17))  # no hidden state
    assert not np.array_equal(one.indices(0), one.indices(10))  # reshuffled each epoch
    ranks = [BatchSampler(num_items=100, batch_size=10, seed=3, rank=r, world_size=2) for r in range(2)]
    assert sorted(np.concatenate([r.indices(4) for r in ranks]).tolist()) == sorted(one.indices(4).tolist())


def test_lfw_faces_are_the_100_real_faces():
    faces = load_dataset("lfw-faces")
    assert faces.images.shape == (100, 25, 25, 1) and faces.labels is None
    assert faces.images.std() > 30 and len({face.tobytes() for face in faces.images}) == 100
    assert np.array_equal(load_dataset("lfw-faces", "heldout").images, faces.images)  # 100-shot: nothing held out
