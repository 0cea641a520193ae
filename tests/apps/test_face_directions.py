"""Supervised editing directions on faces: the shipped face judge measures sex and age of a face model's
samples, and the fitted directions move what they are named for (on the shipped faces-cgan, whose data
is declared as faces). Stroke-only options are refused on faces in one line."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ganforge.apps.directions import attribute_kind, check_grayscale, find_directions
from ganforge.apps.generate import load_model
from ganforge.apps.latent import LatentGenerator
from ganforge.errors import GanforgeError
from ganforge.metrics.faces import face_attributes


@pytest.fixture(scope="module")
def faces() -> LatentGenerator:
    return LatentGenerator(load_model(model="faces-cgan"))


def test_a_face_model_is_measured_by_the_face_judge(faces):
    assert attribute_kind(faces) == "faces"
    assert attribute_kind(LatentGenerator(load_model(model="mnist-gan"))) == "strokes"
    with pytest.raises(GanforgeError, match="--until and --hold measure the strokes of digits"):
        check_grayscale(faces)


def test_age_direction_ages_the_samples_and_leaves_sex(faces):
    found = find_directions(faces, "attribute", samples=300, seed=0)
    assert [d.name for d in found.directions] == ["sex", "age"]
    age = found.get("age")
    assert age.effect["age"] > 3  # years per unit strength, read by the judge on fresh samples
    assert abs(age.effect["sex"]) < 0.5 * abs(age.effect["age"]) / 3  # the fit holds sex (log-odds) nearly still
    # pushed far along it, the same faces are read as older
    z = faces.random_z(32, seed=7)
    labels = torch.arange(32) % 2
    young = faces.render(z - 2 * age.scale * age.vector, "z", labels)
    old = faces.render(z + 2 * age.scale * age.vector, "z", labels)
    gap = face_attributes(old, ["age"])["age"] - face_attributes(young, ["age"])["age"]
    assert np.mean(gap > 0) > 0.9


def test_stroke_attributes_are_refused_on_faces(faces):
    with pytest.raises(GanforgeError, match="draws faces, whose measured attributes are sex, age"):
        find_directions(faces, "attribute", attributes=("thickness",), samples=50)


def test_face_judge_refuses_grayscale():
    with pytest.raises(GanforgeError, match="colour faces"):
        face_attributes(torch.zeros(2, 1, 64, 64), ["age"])
