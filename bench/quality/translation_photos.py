"""Unpaired translation of real photos (CycleGAN on two domains made from labels or folders), measured on
the held-out photos of both domains, never trained on:

    python bench/quality/translation_photos.py --checkpoint runs/faces-age --out docs/eval/faces-age.json --figure docs/faces-age.png

For each direction (A -> B, B -> A):
  read_as_target       share of the translated held-out photos that the judge reads as the target domain,
                       beside the same share for the untranslated inputs (the floor: how often the judge
                       already reads them so) and for the real target photos (the ceiling)
  read_as_target_and_content_kept   both at once (a translation that draws any old face is read as old)
  content_kept         share of translations whose Inception (pool3) features are nearer to their own input's
                       than to any other held-out input's
  content_kept_references   the same measure for changes that keep the person by construction, to read it
                       against: the cycle reconstruction (translated there and back), each input with Gaussian
                       noise of sigma 10 (of 255), and each input blurred (Gaussian, radius 1 pixel)
  fid_to_target        FID (Inception) of the translations to the real held-out target photos, beside that of
                       the untranslated inputs (a translation must lower it). Held-out sets are small (a few
                       hundred), so FID is biased upwards: compare only the two figures of one row.
Judges: for faces, the shipped face judge (metrics/faces.py): a photo is read as the domain whose rule its
reading (age in years, sex) is nearest to satisfying (years outside the rule's ages; a wrong sex counts 100),
so for `age>=18&age<=29` against `age>=50` the boundary is an age of 39.5. For cats-dogs, the shipped pet judge
(metrics/domains.py: a logistic regression on the same Inception features, trained on the training photos by
bench/weights/train_pet_judge.py). Other data has no judge yet.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageFilter

from ganforge.apps.translate import load_translator
from ganforge.data import PreprocessConfig, load_translation_dataset
from ganforge.data.domains import PETS, is_rule_spec, parse_rule
from ganforge.metrics.domains import shipped_pet_judge
from ganforge.metrics.extractors import build_extractor
from ganforge.metrics.faces import read_faces, shipped_face_judge
from ganforge.metrics.features import fid
from ganforge.models.io import read_state, resolve_checkpoint
from ganforge.utils.images import from_uint8, to_uint8

WRONG_SEX = 100.0  # a reading of the wrong sex is this far from satisfying a rule (in years' units)


def violation(rule: str, female: np.ndarray, age: np.ndarray) -> np.ndarray:
    """How far each reading is from satisfying `rule` (0 when it does)."""
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


def face_domain_reader(spec: str):
    rules = spec.partition(":")[2].split(",")

    def read(images: np.ndarray, features: np.ndarray) -> np.ndarray:
        """uint8 (N, H, W, 3) -> 0 (read as A), 1 (B) or -1 (as near to both)."""
        female, age = (x.numpy() for x in read_faces(shipped_face_judge(), from_uint8(images)))
        a, b = violation(rules[0], female, age), violation(rules[1], female, age)
        return np.where(a < b, 0, np.where(b < a, 1, -1))

    return read


def pet_reader(images: np.ndarray, features: np.ndarray) -> np.ndarray:
    """0 (read as a cat) or 1 (a dog), from the photos' Inception features."""
    return shipped_pet_judge().read(features)


def nearest_is_own(queries: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Per query row i: is keys[i] its nearest key (squared Euclidean)?"""
    distances = ((queries[:, None, :] - keys[None, :, :]) ** 2).sum(-1)
    return distances.argmin(1) == np.arange(len(queries))


def noisy(images: np.ndarray, sigma: float = 10.0) -> np.ndarray:
    """uint8 images plus Gaussian noise (fixed seed)."""
    noise = np.random.default_rng(0).normal(0.0, sigma, images.shape)
    return np.clip(images + noise, 0, 255).astype(np.uint8)


def blurred(images: np.ndarray, radius: float = 1.0) -> np.ndarray:
    """uint8 images through Pillow's Gaussian blur."""
    return np.stack([np.asarray(Image.fromarray(image).filter(ImageFilter.GaussianBlur(radius))) for image in images])


def translate(checkpoint: Path, direction: str, images: np.ndarray) -> np.ndarray:
    translator = load_translator(checkpoint, direction)
    with torch.no_grad():
        return np.concatenate([to_uint8(translator(from_uint8(images[i : i + 64]))) for i in range(0, len(images), 64)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--figure", help="PNG: input | translation pairs, 8 held-out photos per direction")
    args = parser.parse_args()
    started = time.perf_counter()
    folder = resolve_checkpoint(args.checkpoint)
    state = read_state(folder)
    run = state["run"]
    spec = run["data"]
    if not is_rule_spec(spec) and spec != PETS:
        raise SystemExit(f"{spec}: this bench judges face domains made from rules and {PETS}; other data needs its "
                         "own judge")
    preprocess = dataclasses.replace(PreprocessConfig(**run.get("preprocess", {})), crop_size=0, flip=False)
    data = load_translation_dataset(spec, "heldout", preprocess)
    domains = {"A": np.stack(data.images_a), "B": np.stack(data.images_b)}
    read = face_domain_reader(spec) if is_rule_spec(spec) else pet_reader
    inception = build_extractor("inception")
    features = {name: inception(images).numpy() for name, images in domains.items()}
    result: dict = {}
    strips = []
    for direction, source, target, goal in (("AtoB", "A", "B", 1), ("BtoA", "B", "A", 0)):
        inputs = domains[source]
        outputs = translate(folder, direction, inputs)
        out_features = inception(outputs).numpy()
        kept = nearest_is_own(out_features, features[source])
        back = translate(folder, "BtoA" if direction == "AtoB" else "AtoB", outputs)
        reached = read(outputs, out_features) == goal
        result[direction] = {
            "photos": len(inputs),
            "read_as_target": float(reached.mean()),
            "read_as_target_and_content_kept": float((reached & kept).mean()),
            "read_as_target_inputs": float(np.mean(read(inputs, features[source]) == goal)),
            "read_as_target_real_targets": float(np.mean(read(domains[target], features[target]) == goal)),
            "content_kept": float(kept.mean()),
            "content_kept_references": {
                name: float(nearest_is_own(inception(changed).numpy(), features[source]).mean())
                for name, changed in (("cycle_reconstruction", back), ("noise_sigma_10", noisy(inputs)),
                                      ("blur_radius_1", blurred(inputs)))
            },
            "fid_to_target": fid(features[target], out_features),
            "fid_to_target_inputs": fid(features[target], features[source]),
        }
        print(direction, result[direction], flush=True)
        strips.append(np.concatenate([np.concatenate([inputs[i], outputs[i]], 0) for i in range(min(8, len(inputs)))], 1))
    result["protocol"] = {
        "checkpoint": str(folder), "step": state.get("step"), "data": spec, "split": "heldout",
        "judge": ("shipped face-attributes; a photo is read as the domain whose rule its reading is nearest to "
                  "satisfying") if is_rule_spec(spec) else "shipped pets-judge (logistic regression on Inception pool3)",
        "content": "Inception pool3 features of each translation nearest its own input among the held-out inputs",
        "fid": "Inception pool3, N = the held-out photos of each domain",
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(), "torch": torch.__version__,
        "seconds": round(time.perf_counter() - started, 1),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    if args.figure:
        picture = Image.fromarray(np.concatenate(strips, 0))
        picture.resize((picture.width * 2, picture.height * 2), Image.NEAREST).save(args.figure)
        print(f"wrote {args.figure}")


if __name__ == "__main__":
    main()
