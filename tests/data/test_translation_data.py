"""Translation data: each folder layout, the offline demo domains, crops that keep pairs aligned, bad layouts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from ganforge.data import PreprocessConfig, load_training_data, load_translation_dataset
from ganforge.data.demos import bold_inverted
from ganforge.errors import GanforgeError


def _write(folder: Path, names, size=(20, 16), mode="RGB", value=None):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(len(names))
    for index, name in enumerate(names):
        channels = 3 if mode == "RGB" else 1
        array = rng.integers(0, 256, (size[1], size[0], channels), dtype=np.uint8) if value is None else \
            np.full((size[1], size[0], channels), value(index), np.uint8)
        Image.fromarray(array[..., 0] if channels == 1 else array).save(folder / name)


def test_unpaired_layout_reads_each_split(tmp_path: Path):
    _write(tmp_path / "trainA", ["a1.png", "a2.png", "a3.png"])
    _write(tmp_path / "trainB", ["b1.png", "b2.png"], mode="L")
    _write(tmp_path / "testA", ["t.png"])
    _write(tmp_path / "testB", ["u.png"])
    train = load_translation_dataset(str(tmp_path), "train")
    assert not train.paired and len(train.images_a) == 3 and len(train.images_b) == 2
    assert train.channels == (3, 1)  # RGB A, grayscale B
    assert len(load_translation_dataset(str(tmp_path), "heldout").images_a) == 1


def test_paired_folders_match_by_name_and_crop_the_same_square(tmp_path: Path):
    # A and B hold the same picture: any crop/flip applied differently would make them differ
    for letter in "AB":
        (tmp_path / letter).mkdir()
        for name in ("x.png", "y.png"):
            array = np.random.default_rng(ord(name[0])).integers(0, 256, (24, 30, 3), dtype=np.uint8)
            Image.fromarray(array).save(tmp_path / letter / name)
    data = load_training_data("paired", str(tmp_path), preprocess=PreprocessConfig(crop_size=16, flip=True))
    assert data.paired and data.image_size == (16, 16)
    a, b = data.batch(np.array([0, 1, 0, 1]), np.random.default_rng(3))
    assert a.shape == (4, 3, 16, 16) and (a == b).all()
    # centre crops without an rng: the same every time
    assert (data.batch(np.array([0]))[0] == data.batch(np.array([0]))[0]).all()


def test_rotate_gives_every_symmetry_of_the_square_to_both_images_of_a_pair(tmp_path: Path):
    picture = np.random.default_rng(0).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    for letter in "AB":
        (tmp_path / letter).mkdir()
        Image.fromarray(picture).save(tmp_path / letter / "x.png")
    data = load_training_data("paired", str(tmp_path), preprocess=PreprocessConfig(crop_size=16, rotate=True))
    a, b = data.batch(np.zeros(64, np.int64), np.random.default_rng(0))
    assert (a == b).all()  # the pair turned together
    square = torch.from_numpy(picture).permute(2, 0, 1).float() / 127.5 - 1
    symmetries = [torch.rot90(flipped, k, (1, 2)) for flipped in (square, square.flip(2)) for k in range(4)]
    seen = {next(i for i, s in enumerate(symmetries) if torch.allclose(x, s)) for x in b}
    assert seen == set(range(8))
    # held-out whole images (no rng) are never turned
    assert (data.batch(np.zeros(1, np.int64))[1][0] == square).all()


def test_paired_names_must_match(tmp_path: Path):
    _write(tmp_path / "A", ["x.png", "y.png"])
    _write(tmp_path / "B", ["x.png", "z.png"])
    with pytest.raises(GanforgeError, match="same file names"):
        load_translation_dataset(str(tmp_path))


def test_side_by_side_images_split_into_pairs(tmp_path: Path):
    (tmp_path / "train").mkdir()
    left, right = np.zeros((8, 8, 3), np.uint8), np.full((8, 8, 3), 200, np.uint8)
    Image.fromarray(np.concatenate([left, right], axis=1)).save(tmp_path / "train" / "p.png")
    data = load_translation_dataset(str(tmp_path))
    assert data.paired and (data.images_a[0] == 0).all() and (data.images_b[0] == 200).all()


def test_one_domain_with_derived_inputs(tmp_path: Path):
    _write(tmp_path, ["p.png", "q.png"], size=(40, 30))
    gray = load_translation_dataset(str(tmp_path), preprocess=PreprocessConfig(crop_size=16, derive_input="grayscale"))
    a, b = gray.batch(np.array([0, 1]), np.random.default_rng(0))
    assert a.shape == (2, 1, 16, 16) and b.shape == (2, 3, 16, 16)
    expected = 0.299 * b[:, 0] + 0.587 * b[:, 1] + 0.114 * b[:, 2]
    assert np.allclose(a[:, 0], expected, atol=1e-6)
    masked = load_translation_dataset(str(tmp_path), preprocess=PreprocessConfig(crop_size=16, derive_input="mask"))
    a, b = masked.batch(np.array([0, 1]), np.random.default_rng(0))
    hole = a[:, 3:] > 0  # the mask channel: 1 where missing
    assert a.shape == (2, 4, 16, 16) and hole.any() and not hole.all()
    assert (a[:, :3][hole.expand(-1, 3, -1, -1)] == 0).all()  # the hole is blanked...
    assert (a[:, :3] == b)[~hole.expand(-1, 3, -1, -1)].all()  # ...and the rest is the image


def test_a_few_photos_fill_a_batch_with_random_crops():
    data = load_translation_dataset("skimage-photos", preprocess=PreprocessConfig(load_size=64, crop_size=32,
                                                                                  derive_input="grayscale"))
    assert len(data) == 7 and min(min(im.shape[:2]) for im in data.images_b) == 64
    sampler = data.sampler(batch_size=16, seed=0)
    _, b = data.batch(sampler.indices(0), np.random.default_rng(0))
    assert b.shape == (16, 3, 32, 32)
    assert len({tuple(x.flatten()[:50].tolist()) for x in b}) == 16  # repeats get different crops
    held = load_translation_dataset("skimage-photos", "heldout", PreprocessConfig(derive_input="grayscale"))
    assert held.names_b == ("chelsea", "rocket")
    # skimage-all adds the grayscale photographs to training only, as RGB
    more = load_translation_dataset("skimage-all", preprocess=PreprocessConfig(derive_input="downscale"))
    assert len(more) == 16 and {im.shape[2] for im in more.images_b} == {3} and "camera" in more.names_b
    camera = more.images_b[more.names_b.index("camera")]
    assert np.array_equal(camera[..., 0], camera[..., 2])
    assert load_translation_dataset("skimage-all", "heldout", PreprocessConfig(derive_input="downscale")).names_b == \
        held.names_b


def test_one_domain_loads_as_stored_but_a_model_needs_inputs_derived_from_it():
    stored = load_translation_dataset("skimage-photos", "heldout", PreprocessConfig(flip=False))
    assert stored.images_a == () and stored.names_b == ("chelsea", "rocket")
    with pytest.raises(GanforgeError, match="holds one domain of images; set derive_input"):
        load_training_data("paired", "skimage-photos", preprocess=PreprocessConfig())
    derived = load_training_data("paired", "skimage-photos", preprocess=PreprocessConfig(derive_input="grayscale"))
    assert len(derived) == 7


def test_digit_styles_domains_are_disjoint_real_digits():
    data = load_translation_dataset("digit-styles", "train")
    a, b = np.stack(data.images_a), np.stack(data.images_b)
    assert a.shape == b.shape == (2000, 32, 32, 1)
    assert np.bincount(data.labels_a).min() >= 190 and np.bincount(data.labels_b).min() >= 190
    assert a[:, :, :, 0].mean() < 60 and b[:, :, :, 0].mean() > 150  # white on black vs black on white
    # no B image is the restyled version of any A image: the pairing is truly unknown
    restyled = {image.tobytes() for image in bold_inverted(a)}
    assert not restyled & {image.tobytes() for image in b}
    assert len(restyled & {image.tobytes() for image in bold_inverted(a[:50])}) == 50  # the check can see a match
    held = load_translation_dataset("digit-styles", "heldout")
    assert len(held.images_a) == len(held.images_b) == 500


@pytest.mark.parametrize("layout, message", [
    ("nothing", "matches no translation layout"),
    ("empty-b", "no images in"),
    ("small", "smaller than crop_size"),
])
def test_bad_layouts_are_explained(tmp_path: Path, layout: str, message: str):
    if layout == "nothing":
        (tmp_path / "misc").mkdir()
    else:
        _write(tmp_path / "trainA", ["a.png"], size=(8, 8))
        (tmp_path / "trainB").mkdir()
        if layout == "small":
            _write(tmp_path / "trainB", ["b.png"], size=(8, 8))
    with pytest.raises(GanforgeError, match=message):
        load_translation_dataset(str(tmp_path), preprocess=PreprocessConfig(crop_size=16))


def test_pix2pix_refuses_unpaired_data(tmp_path: Path):
    _write(tmp_path / "trainA", ["a.png"])
    _write(tmp_path / "trainB", ["b.png"])
    with pytest.raises(GanforgeError, match="unpaired"):
        load_training_data("paired", str(tmp_path))
    with pytest.raises(GanforgeError, match="translation needs two"):
        load_training_data("unpaired", "mnist-5k")
