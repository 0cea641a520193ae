"""The editing pictures under docs/, drawn from real images with the library calls the commands use.

    python bench/figures/editing_figures.py --model mnist-gan
    python bench/figures/editing_figures.py --checkpoint src/ganforge/weights/stylegan2-mnist
    python bench/figures/editing_figures.py --checkpoint src/ganforge/weights/stylegan2-faces --faces

Digits (one held-out digit of each class, never trained on): docs/editing-NAME.png, each edit of
docs/eval/editing-NAME.json (run bench/quality/editing.py first) at -s, -s/2, 0, s/2, s with its calibrated
strength s, beside the real digit; with --walk SECTION, only docs/editing-NAME-walk.png: each row of
that keep-class section walked as `ganforge edit --keep-class --hold OTHER --until ATTRIBUTE=U` walks
it, at -s, 0, s (s its cap), with the row's layers; docs/editing-NAME-complete.png (real | lower half masked |
completed by inversion); for stylegan2, docs/editing-NAME-combine.png (left column: structure,
top row: style, cells: the combination).
Faces (the 100 LFW faces are the faces model's training set; no other face set is offline):
docs/editing-faces-inversion.png (real | inverted in w | in w+) with the reconstruction PSNR in
docs/eval/editing-faces.json, and docs/editing-faces-directions.png (SeFa's first four directions,
strengths -3 .. 3, on inverted faces).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

from ganforge.apps.directions import attribute_spread, best_closed_form, class_reader, find_directions
from ganforge.apps.edit import Until, complete, edit_latents, to_model_images
from ganforge.apps.generate import load_model
from ganforge.apps.inversion import InversionSettings, Inverter
from ganforge.apps.latent import LatentGenerator
from ganforge.data import load_dataset
from ganforge.utils.images import make_grid, save_image, to_uint8

DOCS = Path(__file__).resolve().parents[2] / "docs"
GAP = 6  # pixels between panels


def to_model(images: np.ndarray, model: LatentGenerator) -> torch.Tensor:
    """uint8 (N, H, W, 1) -> the model's size in [-1, 1], resized as its training images were."""
    return to_model_images(list(images), model, on_note=lambda _: None)


def grid(rows: list[list[torch.Tensor]]) -> np.ndarray:
    """Rows of (C, H, W) images in [-1, 1] -> one uint8 picture."""
    cells = torch.stack([cell.clamp(-1, 1) for row in rows for cell in row])
    return make_grid(to_uint8(cells), columns=len(rows[0]))


def side_by_side(panels: list[np.ndarray]) -> np.ndarray:
    """Panels of one height joined left to right with a white gap."""
    height = max(p.shape[0] for p in panels)
    parts = []
    for panel in panels:
        padded = np.zeros((height, panel.shape[1], panel.shape[2]), np.uint8)
        padded[: panel.shape[0]] = panel
        parts += [padded, np.full((height, GAP, panel.shape[2]), 255, np.uint8)]
    return np.concatenate(parts[:-1], axis=1)


def digit_figures(model: LatentGenerator, name: str, steps: int) -> None:
    """Edits, completion and (stylegan2) combination of one held-out digit per class."""
    held = load_dataset("mnist-5k", "heldout")
    picks = np.array([np.flatnonzero(held.labels == k)[7] for k in range(10)])
    real = to_model(held.images[picks], model)
    report = json.loads((DOCS / "eval" / f"editing-{name}.json").read_text())
    inversion = Inverter(model, InversionSettings(steps=steps)).invert(real)
    supervised = find_directions(model, "attribute", attributes=("thickness", "slant"))
    panels = []
    for key, row in report["edits"].items():
        attribute, kind = key.split(" / ")
        other = "slant" if attribute == "thickness" else "thickness"
        layers = row.get("layers", "all")
        direction = (supervised.get(attribute) if kind == "supervised"
                     else best_closed_form(model, attribute, other, layers=layers))
        s = row["strength"]
        strengths = [-s, -s / 2, 0.0, s / 2, s]
        images = edit_latents(model, inversion.latents, inversion.space, inversion.labels, direction, strengths,
                              model.parse_layers(layers), inversion.noises)
        panels.append(grid([[real[i], *images[i]] for i in range(len(picks))]))
        print(f"panel {len(panels)}: {key} ({direction.name}, layers {layers}), strengths {strengths}")
    save_image(side_by_side(panels), DOCS / f"editing-{name}.png", 2)
    known = torch.ones(1, 1, *model.image_shape[1:], dtype=torch.bool)
    known[..., model.image_shape[1] // 2 :, :] = False
    filled, _ = complete(model, real, known, InversionSettings(steps=steps))
    masked = torch.where(known, real, torch.full_like(real, -1))
    save_image(grid([[real[i], masked[i], filled[i]] for i in range(len(picks))]),
               DOCS / f"editing-{name}-complete.png", 2)
    if model.style_based:
        ws = model.to_ws(Inverter(model, InversionSettings(space="w+", steps=steps)).invert(real).latents, "w+")
        structures, styles = [0, 2, 4, 7], [1, 3, 6, 8]
        cut = model.num_ws // 2
        rows = [[torch.full_like(real[0], 1.0), *[real[j] for j in styles]]]
        with torch.no_grad():
            for i in structures:
                mixed = model.generator.mix(ws[i : i + 1].expand(len(styles), -1, -1), ws[styles], cut)
                rows.append([real[i], *model.render(mixed, "w+")])
        save_image(grid(rows), DOCS / f"editing-{name}-combine.png", 3)
        print(f"combine: cut {cut} of {model.num_ws}")


def walk_figure(model: LatentGenerator, name: str, section: str, steps: int) -> None:
    """The rows of a keep-class section (the acceptance table) walked as the command walks them."""
    held = load_dataset("mnist-5k", "heldout")
    picks = np.array([np.flatnonzero(held.labels == k)[7] for k in range(10)])
    real = to_model(held.images[picks], model)
    report = json.loads((DOCS / "eval" / f"editing-{name}.json").read_text())
    rows = {key: report[section]["rows"][key] for key in report["edits"] if key in report[section]["rows"]}
    inversion = Inverter(model, InversionSettings(steps=steps)).invert(real)
    supervised = find_directions(model, "attribute", attributes=("thickness", "slant"))
    panels = []
    for key, row in rows.items():
        attribute, kind = key.split(" / ")
        other = "slant" if attribute == "thickness" else "thickness"
        direction = (supervised.get(attribute) if kind == "supervised"
                     else best_closed_form(model, attribute, other, layers=row["layers"]))
        until = Until(attribute, row["until_stds"] * attribute_spread(model, attribute)[0]) if row["until_stds"] else None
        s = row["strength"]
        images = edit_latents(model, inversion.latents, inversion.space, inversion.labels, direction, [-s, 0.0, s],
                              model.parse_layers(row["layers"]), inversion.noises, reader=class_reader(model),
                              hold=tuple(row["hold"]), until=until)
        panels.append(grid([[real[i], *images[i]] for i in range(len(picks))]))
        print(f"panel {len(panels)}: {key} ({direction.name}, layers {row['layers']}), strengths {-s:g}, 0, {s:g}")
    save_image(side_by_side(panels), DOCS / f"editing-{name}-walk.png", 2)


def face_figures(model: LatentGenerator, steps: int) -> None:
    """Inversions of real faces in w and w+, and SeFa directions on them."""
    faces = load_dataset("lfw-faces")
    real = to_model(faces.images[:8], model)
    results, report = {}, {"faces": 8, "steps": steps, "command": " ".join(["python", *sys.argv])}
    for space in ("w", "w+"):
        results[space] = Inverter(model, InversionSettings(space=space, steps=steps)).invert(real)
        mse = results[space].pixel_mse
        report[f"psnr_db_{space}"] = round(float((10 * torch.log10(4 / mse)).mean()), 2)
    save_image(grid([[real[i], results["w"].images[i], results["w+"].images[i]] for i in range(8)]),
               DOCS / "editing-faces-inversion.png", 3)
    directions = find_directions(model, "sefa", count=4).directions
    inversion = results["w"]
    panels = []
    for direction in directions:
        images = edit_latents(model, inversion.latents[:4], "w", None, direction, [-3, -1.5, 0, 1.5, 3],
                              (0, model.num_ws - 1), [n[:4] for n in inversion.noises] if inversion.noises else None)
        panels.append(grid([list(images[i]) for i in range(4)]))
    save_image(side_by_side(panels), DOCS / "editing-faces-directions.png", 3)
    (DOCS / "eval" / "editing-faces.json").write_text(json.dumps(report, indent=2) + "\n")
    print(report)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model")
    source.add_argument("--checkpoint")
    parser.add_argument("--faces", action="store_true")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--walk", metavar="SECTION", help="only the walk picture of this keep-class section")
    args = parser.parse_args()
    model = LatentGenerator(load_model(model=args.model, checkpoint=args.checkpoint))
    name = args.model or Path(args.checkpoint).resolve().name
    if args.faces:
        face_figures(model, args.steps)
    elif args.walk:
        walk_figure(model, name, args.walk, args.steps)
    else:
        digit_figures(model, name, args.steps)


if __name__ == "__main__":
    main()
