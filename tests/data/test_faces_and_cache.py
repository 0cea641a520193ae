"""Photo folders of any size, the decoded-image cache, and face data laid out as UTKFace (images/ +
labels.csv): its fixed held-out split, its labels by sex or age group, class names that travel with a
checkpoint (`sample --label male`). Real photos: scikit-image's, cut and resized to many sizes."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ganforge.apps.generate import generate, load_model
from ganforge.data import cache, load_dataset, load_training_data
from ganforge.data.utkface import AGE_GROUPS, age_group, is_heldout, load_faces, shared_faces_dir
from ganforge.errors import GanforgeError
from tests.conftest import run_cli

SKIMAGE = ("astronaut", "coffee", "chelsea", "rocket")


def _photos() -> list[np.ndarray]:
    from skimage import data

    return [getattr(data, name)()[..., :3] for name in SKIMAGE]


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("GANFORGE_DATA", str(tmp_path / "data-home"))  # never the user's ~/.cache


@pytest.fixture
def face_folder(tmp_path: Path) -> Path:
    """40 real photo crops of mixed sizes (one grayscale, one palette), labelled as UTKFace labels them."""
    root = tmp_path / "faces"
    (root / "images").mkdir(parents=True)
    rows = ["file,age,gender,race"]
    for index in range(40):
        photo = _photos()[index % 4]
        top, side = 7 * index, 120 + 3 * index
        image = Image.fromarray(np.ascontiguousarray(photo[top : top + side, top : top + side + index % 3 * 10]))
        image = image.convert("L") if index == 5 else image.convert("P") if index == 6 else image
        name = f"images/{index}_{index % 2}_0_2017{index:04d}.jpg" if index != 6 else f"images/{index}_0.png"
        image.save(root / name)
        rows.append(f"{name},{3 * index % 90},{index % 2},0")
    (root / "labels.csv").write_text("\n".join(rows) + "\n")
    return root


def test_face_folder_split_labels_and_sizes(face_folder: Path):
    train, heldout = load_dataset(str(face_folder), "train"), load_dataset(str(face_folder), "heldout")
    names = sorted(p.name for p in (face_folder / "images").iterdir())
    assert len(heldout) == sum(is_heldout(name) for name in names) > 0 and len(train) + len(heldout) == 40
    assert train.image_shape == (3, 64, 64) and train.class_names == ("male", "female")
    assert set(train.labels.tolist()) == {0, 1}
    ages = load_dataset(f"{face_folder}:age", "all")
    assert ages.class_names == tuple(name for name, _, _ in AGE_GROUPS)
    assert age_group(np.array([0, 12, 13, 29, 30, 49, 50, 110])).tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    both = load_dataset(f"{face_folder}:sex+age", "all")  # eight classes, sex-major
    assert both.class_names[0] == "male child" and both.class_names[-1] == "female over 50"
    assert both.labels.tolist() == (load_dataset(str(face_folder), "all").labels * 4 + ages.labels).tolist()
    assert len(set(both.labels.tolist())) > 4
    with pytest.raises(GanforgeError, match="unknown face split 'test'; choose one of train, heldout, all"):
        load_faces(str(face_folder), "test")  # was read as the training split
    big = load_training_data("images", str(face_folder), "train", size=32)
    assert big.image_shape == (3, 32, 32)


def test_the_cache_is_read_back_and_renewed_when_a_file_changes(face_folder: Path, monkeypatch):
    first = load_dataset(str(face_folder), "all")
    assert isinstance(first.images, np.memmap) and not first.images.flags.writeable
    cached = list(cache.cache_dir().glob("*.npy"))
    assert len(cached) == 1

    def no_decoding(path):
        raise AssertionError(f"decoded {path} again")

    with monkeypatch.context() as patch:
        patch.setattr(cache, "read_image", no_decoding)
        again = load_dataset(str(face_folder), "all")  # from the cache: nothing decoded
    assert np.array_equal(again.images, first.images)
    changed = min((face_folder / "images").iterdir())
    Image.fromarray(np.zeros((90, 90, 3), np.uint8)).save(changed, format="JPEG" if changed.suffix == ".jpg" else "PNG")
    os.utime(changed, ns=(1, 1))
    heldout = load_dataset(str(face_folder), "heldout")  # another set of files: a cache of its own
    assert len(list(cache.cache_dir().glob("*.npy"))) == 2
    renewed = load_dataset(str(face_folder), "all")
    # the changed file gave a new version of the whole folder's cache, which replaced the stale one
    assert len(list(cache.cache_dir().glob("*.npy"))) == 2 and renewed.images[0].max() < 10
    assert np.array_equal(np.asarray(first.images[1:]), np.asarray(renewed.images[1:]))  # the old map still reads
    os.utime(changed, ns=(2, 2))  # the heldout split's files are untouched: its cache is still read
    with monkeypatch.context() as patch:
        patch.setattr(cache, "read_image", no_decoding)
        assert np.array_equal(load_dataset(str(face_folder), "heldout").images, heldout.images)


def test_bad_face_folders_are_refused_in_one_line(face_folder: Path):
    labels = face_folder / "labels.csv"
    text = labels.read_text()
    labels.write_text(text.replace(",0,0\n", ",zero,0\n", 1))
    with pytest.raises(GanforgeError, match="must be whole numbers"):
        load_dataset(str(face_folder))
    labels.write_text(text.replace("gender", "colour"))
    with pytest.raises(GanforgeError, match="needs the columns file, age and gender"):
        load_dataset(str(face_folder))
    labels.write_text(text)
    next((face_folder / "images").iterdir()).unlink()
    with pytest.raises(GanforgeError, match="missing"):
        load_dataset(str(face_folder), "all")


def test_a_preset_trains_on_photos_of_any_size_and_says_it_resizes(tmp_path: Path):
    folder = tmp_path / "pets"
    folder.mkdir()
    for index, photo in enumerate(_photos()):
        Image.fromarray(photo[: 100 + 20 * index, : 150 - 10 * index]).save(folder / f"{index}.jpg")
    config = tmp_path / "small.toml"
    config.write_text('preset = "dcgan-64"\n[model]\ngenerator_channels = [8, 4]\ndiscriminator_channels = [4, 8]\n'
                      'base_size = 4\n[train]\nsteps = 2\nbatch_size = 4\nsample_every = 0\n')
    result = run_cli("train", str(config), "--data", str(folder), "--out", str(tmp_path / "run"),
                     env={"GANFORGE_DATA": str(tmp_path / "home")})
    assert result.returncode == 0, result.stderr
    assert "decoded 4 images" in result.stderr and "16x16 (centre-crop, bicubic)" in result.stderr


def test_class_names_travel_with_the_checkpoint(face_folder: Path, tmp_path: Path):
    config = tmp_path / "faces.toml"
    config.write_text('preset = "faces-cgan"\n[model]\ngenerator_channels = [8, 4]\ndiscriminator_channels = [4, 8]\n'
                      '[train]\nsteps = 2\nbatch_size = 4\nsample_every = 0\n')
    env = {"GANFORGE_DATA": str(tmp_path / "home")}
    trained = run_cli("train", str(config), "--data", str(face_folder), "--out", str(tmp_path / "run"), env=env)
    assert trained.returncode == 0, trained.stderr
    out = tmp_path / "men.npz"
    assert run_cli("sample", "--checkpoint", str(tmp_path / "run"), "--label", "male", "--num", "4",
                   "--out", str(out)).returncode == 0
    assert np.load(out)["labels"].tolist() == [0, 0, 0, 0]
    assert run_cli("sample", "--checkpoint", str(tmp_path / "run"), "--label", "1", "--num", "2",
                   "--out", str(tmp_path / "one.npz")).returncode == 0
    refused = run_cli("sample", "--checkpoint", str(tmp_path / "run"), "--label", "robot", "--num", "2",
                      "--out", str(tmp_path / "x.npz"))
    assert refused.returncode == 2 and "its classes are male, female" in refused.stderr
    assert "Traceback" not in refused.stderr and not (tmp_path / "x.npz").exists()


def test_a_sex_and_age_model_takes_a_sex_as_its_classes_from_13_on(face_folder: Path, tmp_path: Path):
    config = tmp_path / "faces.toml"
    config.write_text('preset = "faces-cgan-age"\n[model]\ngenerator_channels = [8, 4]\ndiscriminator_channels = [4, 8]\n'
                      '[train]\nsteps = 1\nbatch_size = 4\nsample_every = 0\n')
    run = tmp_path / "run"
    trained = run_cli("train", str(config), "--data", f"{face_folder}:sex+age", "--out", str(run),
                      env={"GANFORGE_DATA": str(tmp_path / "home")})
    assert trained.returncode == 0, trained.stderr

    out = tmp_path / "men.npz"
    assert run_cli("sample", "--checkpoint", str(run), "--label", "male", "--num", "7", "--out", str(out)).returncode == 0
    assert np.load(out)["labels"].tolist() == [1, 2, 3, 1, 2, 3, 1]  # young adult, adult, over 50 in turn: no boys
    loaded = load_model(checkpoint=run)

    def labels(label: str) -> list[int]:
        return generate(loaded, 7, label=label)[1].tolist()

    assert labels("female") == [5, 6, 7, 5, 6, 7, 5] and labels("over 50") == [3, 7, 3, 7, 3, 7, 3]
    assert labels("male child") == [0] * 7 and labels("4") == [4] * 7 and labels(" Male  Child") == [0] * 7
    with pytest.raises(GanforgeError, match="or a group of them: male, female, child"):
        labels("man")
    walk = run_cli("interpolate", "--checkpoint", str(run), "--label", "male", "--seeds", "1,2", "--steps", "2",
                   "--out", str(tmp_path / "walk.gif"))
    assert walk.returncode == 2 and "names 3 classes ('male young adult', 'male adult', 'male over 50')" in walk.stderr
    assert "Traceback" not in walk.stderr


@pytest.mark.skipif(shared_faces_dir() is None, reason="needs ../shared/data/utkface (the team's UTKFace copy)")
def test_the_team_utkface_copy_splits_as_documented():
    train, heldout = load_dataset("utkface", "train"), load_dataset("utkface", "heldout")
    assert (len(train), len(heldout)) == (8146, 852)
    assert train.image_shape == (3, 64, 64) and heldout.class_names == ("male", "female")
