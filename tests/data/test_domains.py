"""Two unpaired domains made from labels (`FACES:RULE_A,RULE_B`) or from a folder of two image folders
(cats/ dogs/), with the fixed held-out tenth of data/utkface.py. Real photo crops from scikit-image."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ganforge.data import PreprocessConfig, load_translation_dataset
from ganforge.data.domains import domain_names, parse_rule
from ganforge.data.utkface import is_heldout
from ganforge.errors import GanforgeError


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("GANFORGE_DATA", str(tmp_path / "data-home"))


def _photo(index: int) -> Image.Image:
    from skimage import data

    photo = (data.astronaut(), data.coffee(), data.chelsea())[index % 3]
    top = 5 * index
    return Image.fromarray(np.ascontiguousarray(photo[top : top + 100 + index, top : top + 100]))


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    root = tmp_path / "faces"
    (root / "images").mkdir(parents=True)
    rows = ["file,age,gender"]
    for index in range(60):
        name = f"images/{index}_{index % 2}_0_2017{index:04d}.jpg"
        _photo(index).save(root / name)
        rows.append(f"{name},{index + 5},{index % 2}")  # ages 5 .. 64, sexes alternating
    (root / "labels.csv").write_text("\n".join(rows) + "\n")
    return root


def test_rules_pick_each_domain_by_its_labels(labelled: Path):
    spec = f"{labelled}:age>=18&age<=29,age>=50&sex=female"
    train = load_translation_dataset(spec, "train", PreprocessConfig(load_size=32))
    heldout = load_translation_dataset(spec, "heldout", PreprocessConfig(load_size=32))
    young = [f"{i}_{i % 2}_0_2017{i:04d}.jpg" for i in range(60) if 18 <= i + 5 <= 29]
    old = [f"{i}_{i % 2}_0_2017{i:04d}.jpg" for i in range(60) if i + 5 >= 50 and i % 2 == 1]
    assert sorted(train.names_a + heldout.names_a) == sorted(young)
    assert sorted(train.names_b + heldout.names_b) == sorted(old)
    assert all(is_heldout(name) for name in heldout.names_a + heldout.names_b)
    assert not any(is_heldout(name) for name in train.names_a + train.names_b)
    assert not train.paired and train.images_a[0].shape == (32, 32, 3)
    assert domain_names(spec) == ("age>=18&age<=29", "age>=50&sex=female")


@pytest.mark.parametrize("rules, message", [
    ("age>=18", "two domain rules"),
    ("age>=18,height>3", "not a condition on age or sex"),
    ("sex=man,sex=female", "sex is male or female"),
    ("age>=20,age>=40", "match both rules"),
    ("age>=200,age<10", "no train face matches rule A"),
])
def test_bad_rules_are_one_line(labelled: Path, rules: str, message: str):
    with pytest.raises(GanforgeError, match=message):
        load_translation_dataset(f"{labelled}:{rules}", "train")


def test_sex_names_and_numbers_mean_the_same():
    assert parse_rule("sex=male") == parse_rule("sex=0") == [("sex", "=", 0)]
    assert parse_rule("age<13&sex=female") == [("age", "<", 13), ("sex", "=", 1)]


def test_two_folders_are_two_domains(tmp_path: Path):
    root = tmp_path / "pets"
    for folder, offset in (("cats", 0), ("dogs", 1)):
        (root / folder).mkdir(parents=True)
        for index in range(20):
            _photo(index + offset).save(root / folder / f"{folder}.{index}.jpg")
    train = load_translation_dataset(str(root), "train", PreprocessConfig(load_size=48))
    heldout = load_translation_dataset(str(root), "heldout", PreprocessConfig(load_size=48))
    assert len(train.images_a) + len(heldout.images_a) == 20 and len(heldout.images_a) == sum(
        is_heldout(f"cats.{i}.jpg") for i in range(20))
    assert all(name.startswith("dogs.") for name in train.names_b)
    assert train.images_b[0].shape == (48, 48, 3)
    assert domain_names(str(root)) == ("cats", "dogs")
    (root / "loose.png").write_bytes((root / "cats" / "cats.0.jpg").read_bytes())  # no longer two folders only
    with pytest.raises(GanforgeError, match="matches no translation layout"):
        load_translation_dataset(str(root), "train")


def test_a_cyclegan_trains_on_rule_domains_and_is_scored_on_their_held_out_faces(labelled: Path, tmp_path: Path):
    from ganforge.apps.evaluate_translation import evaluate_translation
    from ganforge.training import train

    config = tmp_path / "age.toml"
    config.write_text(f"""
preset = "faces-age"
data = "{labelled}:age<=29,age>=30"
[model]
generator_width = 4
residual_blocks = 1
discriminator_width = 4
[preprocess]
load_size = 32
[train]
steps = 2
batch_size = 2
sample_every = 2
""")
    train(str(config), out=tmp_path / "run", device="cpu", progress=False)
    result = evaluate_translation(tmp_path / "run")
    protocol = result["protocol"]
    assert protocol["data"].endswith(":age<=29,age>=30") and protocol["split"] == "heldout"
    held = [f"{i}_{i % 2}_0_2017{i:04d}.jpg" for i in range(60) if is_heldout(f"{i}_{i % 2}_0_2017{i:04d}.jpg")]
    assert protocol["n_a"] + protocol["n_b"] == len(held)
    assert {"cycle_l1_AtoB", "cycle_l1_BtoA"} <= set(result["metrics"])


def test_the_other_layouts_keep_their_meaning(tmp_path: Path):
    from ganforge.data.domains import two_folder_domains

    for names in (("trainA", "trainB"), ("A", "B"), ("train", "test")):
        root = tmp_path / "-".join(names)
        for name in names:
            (root / name).mkdir(parents=True)
        assert two_folder_domains(root) is None
    (tmp_path / "pets" / "cats").mkdir(parents=True)
    (tmp_path / "pets" / "dogs").mkdir()
    assert two_folder_domains(tmp_path / "pets") is not None
