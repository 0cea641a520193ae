"""Unpaired translation of real photos, measured on held-out photos of both domains (issue 46): does a
translation reach the target domain, does it keep its input's content, and does it look like the target
domain's real photos. What `ganforge evaluate` reports for a CycleGAN trained on face domains made from
rules (`utkface:age>=18&age<=29,age>=50`) or on `cats-dogs`.

Per direction (A -> B, B -> A):
  read_as_target       share of the translations that the domain's judge reads as the target domain, beside
                       the same share for the untranslated inputs (how often the judge already reads them so)
                       and for the real target photos (the ceiling)
  read_as_target_and_content_kept   both at once (a translation that draws any old face is read as old)
  content_kept         share of translations whose Inception (pool3) features are nearer to their own input's
                       than to any other held-out input's
  content_kept of references: the same measure for changes that keep the person by construction, to read it
                       against: the cycle reconstruction (translated there and back), each input with Gaussian
                       noise of sigma 10 (of 255), and each input blurred (Gaussian, radius 1 pixel)
  fid_to_target        FID (Inception) of the translations to the real held-out target photos, beside that of
                       the untranslated inputs (a translation must lower it). Held-out sets are small (a few
                       hundred), so FID is biased upwards: compare only the two figures of one row.
Judges: for faces, the shipped face judge (metrics/faces.py): a photo is read as the domain whose rule its
reading (age in years, sex) is nearest to satisfying (years outside the rule's ages; a wrong sex counts
WRONG_SEX), so for `age>=18&age<=29` against `age>=50` the boundary is an age of 39.5. For cats-dogs, the
shipped pet judge (metrics/domains.py, a logistic regression on the same Inception features).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageFilter

from ganforge.data.domains import PETS, is_rule_spec, parse_rule
from ganforge.metrics.domains import shipped_pet_judge
from ganforge.metrics.faces import read_faces, shipped_face_judge
from ganforge.metrics.features import fid
from ganforge.utils.images import from_uint8

WRONG_SEX = 100.0  # a reading of the wrong sex is this far from satisfying a rule (in years' units)
# (uint8 images, a call that gives their Inception features) -> the domain each is read as (0: A, 1: B, -1: neither);
# the features are asked for only by a judge that reads them (the pet judge), not by the face judge
DomainReader = Callable[[np.ndarray, Callable[[], np.ndarray]], np.ndarray]


def violation(rule: str, female: np.ndarray, age: np.ndarray) -> np.ndarray:
    """How far each reading (probability of female, age in years) is from satisfying `rule` (0 when it does)."""
    total = np.zeros(len(age))
    for field, op, value in parse_rule(rule):
        if field == "sex":
            total += np.where((female >= 0.5) == bool(value), 0.0, WRONG_SEX)
        elif op in (">=", ">"):
            total += np.maximum(value - age, 0)
        elif op in ("<=", "<"):
            total += np.maximum(age - value, 0)
        else:
            total += np.abs(age - value)
    return total


def domain_reader(spec: str) -> DomainReader | None:
    """The judge of the two domains of `spec` (face rules, or cats-dogs), or None when there is none."""
    if spec == PETS:
        return lambda images, features: shipped_pet_judge().read(features())
    if not is_rule_spec(spec):
        return None
    rule_a, rule_b = spec.partition(":")[2].split(",")

    def read(images: np.ndarray, features: Callable[[], np.ndarray]) -> np.ndarray:
        female, age = (x.numpy() for x in read_faces(shipped_face_judge(), from_uint8(images)))
        a, b = violation(rule_a, female, age), violation(rule_b, female, age)
        return np.where(a < b, 0, np.where(b < a, 1, -1))

    return read


def nearest_is_own(queries: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Per query row i: is keys[i] its nearest key (squared Euclidean)?"""
    distances = ((queries[:, None, :] - keys[None, :, :]) ** 2).sum(-1)
    return distances.argmin(1) == np.arange(len(queries))


def noisy(images: np.ndarray, sigma: float = 10.0) -> np.ndarray:
    """uint8 images plus Gaussian noise of `sigma` grey levels (fixed seed)."""
    noise = np.random.default_rng(0).normal(0.0, sigma, images.shape)
    return np.clip(images + noise, 0, 255).astype(np.uint8)


def blurred(images: np.ndarray, radius: float = 1.0) -> np.ndarray:
    """uint8 (N, H, W, C) images through Pillow's Gaussian blur."""
    return np.stack([np.asarray(Image.fromarray(image).filter(ImageFilter.GaussianBlur(radius))) for image in images])


def direction_scores(inputs: np.ndarray, outputs: np.ndarray, returned: np.ndarray, targets: np.ndarray, goal: int,
                     read: DomainReader, inception: Callable[[np.ndarray], np.ndarray]) -> dict[str, float]:
    """The module doc's measures of one direction: uint8 inputs, their translations, those translated back,
    the real held-out photos of the target domain; `goal` is the target domain (0: A, 1: B)."""
    features, out_features, target_features = inception(inputs), inception(outputs), inception(targets)
    kept = nearest_is_own(out_features, features)
    reached = read(outputs, lambda: out_features) == goal
    scores = {
        "photos": float(len(inputs)),
        "read_as_target": float(reached.mean()),
        "read_as_target_and_content_kept": float((reached & kept).mean()),
        "read_as_target_inputs": float(np.mean(read(inputs, lambda: features) == goal)),
        "read_as_target_real_targets": float(np.mean(read(targets, lambda: target_features) == goal)),
        "content_kept": float(kept.mean()),
        "fid_to_target": fid(target_features, out_features),
        "fid_to_target_inputs": fid(target_features, features),
    }
    for name, changed in (("cycle_reconstruction", returned), ("noise_sigma_10", noisy(inputs)),
                          ("blur_radius_1", blurred(inputs))):
        scores[f"content_kept_{name}"] = float(nearest_is_own(inception(changed), features).mean())
    return scores
