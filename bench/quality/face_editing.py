"""Retouching real faces through a face generator's latent space, measured on held-out UTKFace photos.

    python bench/quality/face_editing.py --model faces --out docs/eval/face-editing-faces.json --figure docs/faces-editing.png

What it does, with the commands' own library calls (apps.inversion, apps.directions, apps.edit):
1. supervised directions for sex and age (`ganforge directions --method attribute`: InterFaceGAN, the two fitted
   together so that each holds the other), fitted on 2,000 samples read by the shipped face judge;
2. inverts --calibrate training faces and --num held-out faces (neither set chosen by hand: a seeded draw from
   each split of data/utkface.py), and scores the reconstructions: PSNR at the model's size, the inversion's
   own perceptual distance, and whether the judge reads the same sex in the reconstruction as in the photo;
3. calibrates each edit's strength on the *training* faces: the smallest strength of STRENGTHS at which at
   least CALIBRATION_SHARE of them pass the bar below (the largest when none does), then applies it to the
   held-out faces:
     sex     each face moved towards the other sex (by the judge's reading of its reconstruction);
             passes when the judge's reading of the edit is the other sex
     older   + strength on every face; passes when the judge reads >= AGE_BAR years more
     younger - strength on the faces the judge reads as AGE_YOUNGER_FROM or older; passes when it reads
             >= AGE_BAR years less
4. identity: an edit keeps the person when its Inception (pool3) features are nearer to its own reconstruction's
   than to any other held-out face's reconstruction.
The judge that reads the edits is the one the directions were fitted with (the only face judge shipped), so
the shares are an upper bound on what an independent judge would read; the identity check uses the Inception,
which neither the directions nor the judge saw (the inversion's perceptual loss uses its first blocks only).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ganforge.apps.directions import find_directions
from ganforge.apps.generate import load_model
from ganforge.apps.inversion import InversionSettings, Inverter, PerceptualDistance
from ganforge.apps.latent import LatentGenerator
from ganforge.data.utkface import face_folder, face_table, load_faces
from ganforge.metrics.extractors import build_extractor
from ganforge.metrics.faces import read_faces, shipped_face_judge
from ganforge.metrics.pixels import psnr
from ganforge.utils.images import from_uint8, to_uint8

STRENGTHS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0)
CALIBRATION_SHARE = 0.9  # of the training faces, so that the held-out share keeps a margin over 80 %
AGE_BAR = 15.0  # years the age edit must move the judge's reading
AGE_YOUNGER_FROM = 30.0  # faces read this old or older are asked to look younger


def faces_of(split: str, count: int, seed: int, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A seeded draw of `count` faces of a split: uint8 images, sexes, ages."""
    data = load_faces("utkface", split, size)
    table = face_table(face_folder("utkface")[0], split)  # the same rows in the same order, with ages
    pick = np.sort(np.random.default_rng(seed).choice(len(data), size=min(count, len(data)), replace=False))
    return data.images[pick], table.sexes[pick], table.ages[pick]


def judged(images: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    female, age = read_faces(shipped_face_judge(), images.float().cpu())
    return female.numpy(), age.numpy()


def edit(model: LatentGenerator, latents: torch.Tensor, direction, strengths: np.ndarray) -> torch.Tensor:
    """Each latent moved by its own strength (N,), rendered."""
    step = torch.as_tensor(strengths, dtype=latents.dtype, device=latents.device)[:, None]
    moved = latents + step * direction.scale * direction.vector.to(latents.device)
    with torch.no_grad():
        return torch.cat([model.render(moved[i : i + 200], "z") for i in range(0, len(moved), 200)])


def passes(kind: str, before: tuple[np.ndarray, np.ndarray], after: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    (female0, age0), (female1, age1) = before, after
    if kind == "sex":
        return (female0 >= 0.5) != (female1 >= 0.5)
    if kind == "older":
        return age1 - age0 >= AGE_BAR
    return age0 - age1 >= AGE_BAR


def signs(kind: str, before: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(strength sign per face, which faces are asked) for an edit kind."""
    female, age = before
    if kind == "sex":
        return np.where(female >= 0.5, -1.0, 1.0), np.ones(len(female), bool)  # + is towards "female"
    if kind == "older":
        return np.ones(len(age)), np.ones(len(age), bool)
    return -np.ones(len(age)), age >= AGE_YOUNGER_FROM


def run_edit(model, latents, direction, kind, strength, before):
    sign, asked = signs(kind, before)
    images = edit(model, latents[asked], direction, sign[asked] * strength)
    after = judged(images)
    ok = passes(kind, (before[0][asked], before[1][asked]), after)
    return images, after, ok, asked


def nearest_is_own(edits: np.ndarray, references: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For edit features (M, D) of reference rows `rows`, whether each is nearest its own reference (N, D)."""
    distances = ((edits[:, None, :] - references[None, :, :]) ** 2).sum(-1)
    return distances.argmin(1) == rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model")
    source.add_argument("--checkpoint")
    parser.add_argument("--num", type=int, default=200, help="held-out faces (default 200)")
    parser.add_argument("--calibrate", type=int, default=100, help="training faces for the strengths (default 100)")
    parser.add_argument("--steps", type=int, default=300, help="inversion steps (default 300)")
    parser.add_argument("--samples", type=int, default=2000, help="samples the directions are fitted on")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True)
    parser.add_argument("--figure", help="PNG: real | reconstruction | other sex | younger | older, 8 held-out faces")
    args = parser.parse_args()
    started = time.perf_counter()
    model = LatentGenerator(load_model(model=args.model, checkpoint=args.checkpoint))
    size = model.image_shape[-1]
    found = find_directions(model, "attribute", samples=args.samples, seed=args.seed)
    directions = {d.name: d for d in found.directions}
    print("directions:", {d.name: d.effect for d in found.directions}, flush=True)
    inverter = Inverter(model, InversionSettings(steps=args.steps, seed=args.seed), progress=False)
    perceptual = PerceptualDistance("inception")
    result: dict = {"directions": {d.name: {"scale": d.scale, "effect": d.effect} for d in found.directions}}
    sets = {}
    for split, count in (("train", args.calibrate), ("heldout", args.num)):
        photos, sexes, ages = faces_of(split, count, args.seed, size)
        targets = from_uint8(photos)
        t0 = time.perf_counter()
        inversion = inverter.invert(targets)
        seconds = time.perf_counter() - t0
        recon = to_uint8(inversion.images.cpu())
        with torch.no_grad():
            distance = perceptual(inversion.images.cpu(), perceptual.features(targets)).numpy()
        before = judged(inversion.images)
        real = judged(targets)
        sets[split] = (photos, inversion, before)
        result[f"inversion_{split}"] = {
            "faces": len(photos), "steps": args.steps, "seconds_per_face": seconds / len(photos),
            "psnr": float(np.mean([psnr(a, b) for a, b in zip(recon, photos)])),
            "perceptual_distance": float(distance.mean()),
            "same_sex_read_as_photo": float(np.mean((before[0] >= 0.5) == (real[0] >= 0.5))),
            "judge_right_on_photos": float(np.mean((real[0] >= 0.5) == (sexes == 1))),
            "age_error_reconstruction_vs_photo": float(np.mean(np.abs(before[1] - real[1]))),
            "true_age_mean": float(ages.mean()),
        }
        print(split, result[f"inversion_{split}"], flush=True)
    chosen = {}
    _, calibration, calibration_before = sets["train"]
    for kind, name in (("sex", "sex"), ("older", "age"), ("younger", "age")):
        curve = {}
        for strength in STRENGTHS:
            _, _, ok, _ = run_edit(model, calibration.latents, directions[name], kind, strength, calibration_before)
            curve[strength] = float(ok.mean()) if len(ok) else float("nan")
            if curve[strength] >= CALIBRATION_SHARE:
                break
        chosen[kind] = next((s for s, share in curve.items() if share >= CALIBRATION_SHARE), max(curve, key=curve.get))
        result[f"calibration_{kind}"] = {"curve": curve, "strength": chosen[kind]}
        print(kind, result[f"calibration_{kind}"], flush=True)
    photos, inversion, before = sets["heldout"]
    inception = build_extractor("inception")
    references = inception(to_uint8(inversion.images.cpu())).numpy()
    shown = {}
    for kind, name in (("sex", "sex"), ("older", "age"), ("younger", "age")):
        images, after, ok, asked = run_edit(model, inversion.latents, directions[name], kind, chosen[kind], before)
        rows = np.flatnonzero(asked)
        own = nearest_is_own(inception(to_uint8(images.cpu())).numpy(), references, rows)
        shown[kind] = (images, rows)
        moved = after[1] - before[1][asked]
        result[f"edit_{kind}"] = {
            "strength": chosen[kind], "faces_asked": int(asked.sum()), "passes": float(ok.mean()),
            "kept_identity": float(own.mean()), "passes_and_kept": float((ok & own).mean()),
            "age_moved_mean": float(moved.mean()),
            "sex_read_female_before": float((before[0][asked] >= 0.5).mean()),
            "sex_read_female_after": float((after[0] >= 0.5).mean()),
        }
        print(kind, result[f"edit_{kind}"], flush=True)
    result["protocol"] = {
        "model": args.model or args.checkpoint, "step": model.loaded.state.get("step"), "space": inversion.space,
        "seed": args.seed, "directions_fitted_on_samples": args.samples, "calibration_share": CALIBRATION_SHARE,
        "age_bar_years": AGE_BAR, "younger_asked_from_years": AGE_YOUNGER_FROM, "strengths": STRENGTHS,
        "judge": "shipped face-attributes (the one the directions were fitted with)",
        "identity": "Inception pool3 features of each edit nearest its own reconstruction among the held-out ones",
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(), "torch": torch.__version__,
        "seconds": round(time.perf_counter() - started, 1),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    if args.figure:
        rows = []
        for index in range(min(8, len(photos))):
            cells = [photos[index], to_uint8(inversion.images[index : index + 1].cpu())[0]]
            for kind in ("sex", "younger", "older"):
                images, asked_rows = shown[kind]
                where = np.flatnonzero(asked_rows == index)
                cells.append(to_uint8(images[where[0] : where[0] + 1].cpu())[0] if len(where)
                             else np.full_like(photos[index], 255))
            rows.append(np.concatenate(cells, 1))
        picture = Image.fromarray(np.concatenate(rows, 0))
        picture.resize((picture.width * 2, picture.height * 2), Image.NEAREST).save(args.figure)
        print(f"wrote {args.figure}")


if __name__ == "__main__":
    main()
