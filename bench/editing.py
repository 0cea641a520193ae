"""Editing real digits through a generator's latent space: the acceptance protocol of issue 17.

    python bench/editing.py --model mnist-gan --spaces z
    python bench/editing.py --checkpoint src/ganforge/weights/stylegan2-mnist --spaces w,w+
    python bench/editing.py --model mnist-gan --spaces z --time 100   # seconds per image, on an idle machine
    python bench/editing.py --model stylegan2-mnist --curves   # each strength's effect, after a full run
    python bench/editing.py --model stylegan2-mnist --keep-class   # the edits again, class-keeping walks
    python bench/editing.py --model stylegan2-mnist --keep-class --hold-other   # ... holding the other attribute too
    python bench/editing.py --shear-reference   # what an ideal slant edit (a pure shear) does to thickness
    python bench/editing.py --table            # the side-by-side tables from the JSON files

On the real mnist-5k digits, never the generator's training set for the reported figures:
  inversion   the --num held-out digits inverted in each space at equal --steps: PSNR at 28x28 (the
              digits' own size; stylegan2 draws 32x32 and is resized back), the share the shipped
              digit classifier still reads as the true digit.
  timing      with --time N, only this: the first N held-out digits inverted again in each space,
              uncached, with every thread torch is given; seconds per image (run it on an idle machine,
              every space of every model in one go, so that the figures compare).
  edits       thickness and slant, each with the supervised direction (`directions --method
              attribute`, the two fitted together so that each holds the other) and the best closed-form
              direction (of SeFa's and PCA's first ten, the one whose measured effect on samples is
              largest relative to its effect on the other attribute; its sign set so that it increases
              the attribute). The strength is calibrated on --calibrate inverted *training* digits (the
              smallest of 0.5, 1, ..., 6 at which >= 90 % move >= 1 real std both ways), then the held-out
              digits are moved by -strength and +strength from their inversion (in the edit space: w for
              stylegan2, z otherwise). Reported: the share that moved >= 1 std of the real held-out
              digits in the asked direction, the share still read as their digit, and the mean |change|
              of the other attribute in real stds.
  completion  held-out digits with the lower half masked, completed by inversion of the upper half:
              the classifier's accuracy on the completions, on the masked inputs and on the originals.
  keep-class  with --keep-class, only this: each edits row walked with `ganforge edit --keep-class`,
              its strength calibrated the same way from 3, 4.5, 6; judged also by --judge, a second
              digit classifier (bench/train_classifier.py --seed 1) that neither the walk nor the
              inversion used, and the plain edit judged by it too, for comparison. With --hold-other,
              the walk holds the other attribute as well (`ganforge edit --keep-class --hold OTHER`).
  shear       with --shear-reference, only this: the held-out digits sheared by Pillow (bicubic), the
              smallest shear (0.05 steps) at which >= 90 % move >= 1 std of slant each way, and the mean
              |thickness change| it causes: the floor of the disentanglement figure for slant edits,
              since the skeleton-based thickness moves when a stroke is merely sheared.
Note: the inversion's perceptual distance uses the shipped digit classifier's convolutional features,
so "still read as the digit" is judged by a network the search saw (its early layers, not its
decision); an independent check judges with its own classifier.
Writes docs/eval/editing-NAME.json (NAME: the model's folder name); resumes from a partial one.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch
from PIL import Image

from ganforge.apps.directions import (
    attribute_spread,
    best_closed_form,
    class_reader,
    find_directions,
    model_fingerprint,
)
from ganforge.apps.edit import Until, holding_walk, to_model_images
from ganforge.apps.generate import load_model
from ganforge.apps.inversion import Inversion, InversionSettings, Inverter
from ganforge.apps.latent import LatentGenerator
from ganforge.data import load_dataset
from ganforge.data.streaming import square_image
from ganforge.metrics.attributes import measure_attributes
from ganforge.metrics.classifier import classify, load_classifier
from ganforge.metrics.extractors import build_extractor
from ganforge.utils.images import from_uint8, to_uint8

EVAL = Path(__file__).resolve().parent.parent / "docs" / "eval"
CACHE = Path(__file__).resolve().parent.parent / "runs" / "editing"
ATTRIBUTES = ("thickness", "slant")
STRENGTHS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0)


def at_28(images: torch.Tensor) -> np.ndarray:
    """Model images (N, 1, S, S) in [-1, 1] -> uint8 (N, 28, 28, 1), as the classifier and attributes see them
    (Pillow's bicubic, the resize that made the 32x32 training digits of stylegan2-mnist)."""
    images = to_uint8(images.clamp(-1, 1))
    return images if images.shape[1] == 28 else np.stack([square_image(image, 28) for image in images])


def to_model(digits: np.ndarray, model: LatentGenerator) -> torch.Tensor:
    """uint8 (N, 28, 28, 1) -> the model's size in [-1, 1], resized as its training digits were."""
    return to_model_images(list(digits), model, on_note=lambda _: None)


def psnr(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-image PSNR (dB) of uint8 images."""
    mse = ((a.astype(np.float64) - b.astype(np.float64)) ** 2).reshape(len(a), -1).mean(1)
    return 10 * np.log10(255.0**2 / np.maximum(mse, 1e-10))


def invert(model: LatentGenerator, digits: np.ndarray, space: str, steps: int, known=None, *, cache: str = ""):
    """(inversion, seconds per image); with `cache`, kept under runs/editing/ and reused by later runs
    of the same model, digits, space and steps (inversion is the costly part)."""
    path = CACHE / f"{cache}-{space}-{steps}-{len(digits)}.pt" if cache else None
    if path is not None and path.exists():
        saved = torch.load(path, weights_only=True)
        return Inversion(**saved["inversion"]), saved["seconds"]
    started = time.perf_counter()
    settings = InversionSettings(space=space, steps=steps)
    result = Inverter(model, settings).invert(to_model(digits, model), known=known)
    seconds = (time.perf_counter() - started) / len(digits)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save({"inversion": vars(result), "seconds": seconds}, path)
    return result, seconds


class Outcomes(NamedTuple):
    """Per digit, -strength then +strength: moved >= 1 std the asked way, still read as its digit (shipped
    classifier), |other attribute change| / std, and still read by the independent judge (when given)."""

    moved: np.ndarray
    kept: np.ndarray
    other_change: np.ndarray
    judged: np.ndarray | None = None


def edit_outcomes(model, inversion, direction, strength, attribute, other, labels, classifier, real_std, span, *,
                  reader=None, hold=(), judge=None, until=None) -> Outcomes:
    """The edit each way, measured; with `reader`, walked with --keep-class (holding that classifier), with
    `hold`, holding those attributes too (--hold), with `until`, each digit stopped there (--until)."""
    space = inversion.space
    with torch.no_grad():
        base = at_28(model.render(inversion.latents, space, inversion.labels, inversion.noises))
    before = measure_attributes(base, (attribute, other))
    moved, kept, other_change, judged = [], [], [], []
    for sign in (-1.0, 1.0):
        latents, moved_space = holding_walk(model, inversion.latents, space, inversion.labels, direction,
                                            sign * strength, span, reader=reader, hold=hold, noises=inversion.noises,
                                            until=until)
        with torch.no_grad():
            images = at_28(model.render(latents, moved_space, inversion.labels, inversion.noises))
        after = measure_attributes(images, (attribute, other))
        change = (after[attribute] - before[attribute]) * sign / real_std[attribute]
        moved.append(np.nan_to_num(change, nan=-np.inf) >= 1)
        kept.append(classifier.predict(images).numpy() == labels)
        other_change.append(np.abs(after[other] - before[other]) / real_std[other])
        if judge is not None:
            judged.append(judge_reads(judge, images) == labels)
    return Outcomes(np.concatenate(moved), np.concatenate(kept), np.concatenate(other_change),
                    np.concatenate(judged) if judged else None)


def judge_reads(judge: torch.nn.Module, images: np.ndarray) -> np.ndarray:
    """The digit a classifier saved by bench/train_classifier.py reads in uint8 (N, 28, 28, 1) images."""
    return classify(judge, from_uint8(images)).numpy()


COMMAND = " ".join(["python", "bench/editing.py", *sys.argv[1:]])


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, torch {torch.__version__}"


def open_report(args) -> tuple[Path, dict, LatentGenerator]:
    """(docs/eval/editing-NAME.json, its contents so far, the model)."""
    name = args.model or Path(args.checkpoint).resolve().name
    out = EVAL / f"editing-{name}.json"
    model = LatentGenerator(load_model(model=args.model, checkpoint=args.checkpoint))
    return out, json.loads(out.read_text()) if out.exists() else {"model": name}, model


def save_report(out: Path, report: dict) -> None:
    EVAL.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")


def cache_key(out: Path, model: LatentGenerator) -> str:
    """Inversions are cached per report name and model weights."""
    return f"{out.stem.removeprefix('editing-')}-{model_fingerprint(model)}"


def layer_options(model: LatentGenerator) -> list[str]:
    """The layer ranges each edit is tried on."""
    return ["all", "coarse", "middle", "fine"] if model.style_based else ["all"]


def run(args) -> None:
    out, report, model = open_report(args)
    name = out.stem.removeprefix("editing-")
    report.update({"model": name, "machine": f"{machine()}, {torch.get_num_threads()} threads",
                   "inversion_only_command" if args.inversion_only else "command": COMMAND})

    key = cache_key(out, model)
    classifier = build_extractor("digits")
    held, train = load_dataset("mnist-5k", "heldout"), load_dataset("mnist-5k", "train")
    digits, labels = held.images[: args.num], held.labels[: args.num]
    real = measure_attributes(held.images, ATTRIBUTES)
    real_std = {k: float(np.nanstd(v)) for k, v in real.items()}
    report["real_std"] = real_std
    calibration_rows = np.random.default_rng(0).permutation(len(train))[: args.calibrate]  # training digits only
    calibration, calibration_labels = train.images[calibration_rows], train.labels[calibration_rows]
    spaces = args.spaces or [model.edit_space]
    space = model.edit_space if model.edit_space in spaces else spaces[0]  # where edits and completion happen
    known = torch.ones(1, 1, *model.image_shape[1:], dtype=torch.bool)
    known[..., model.image_shape[1] // 2 :, :] = False
    if args.only_invert:  # fill the caches of these stages (e.g. on two cores at once), measure nothing
        stages = {"heldout": [(s, digits, None) for s in spaces], "calibration": [(space, calibration, None)],
                  "lower-half": [(space, digits, known)]}
        for stage in args.only_invert.split(","):
            for stage_space, images, mask in stages[stage]:
                invert(model, images, stage_space, args.steps, known=mask, cache=f"{key}-{stage}")
        return
    target = to_model(digits, model)
    if model.image_shape[1] != 28:  # the best PSNR at 28x28 of an image drawn exactly as asked
        report["resampling_ceiling_db"] = round(float(psnr(at_28(target), digits).mean()), 2)
    inversions = {}
    for stage_space in spaces:
        result, _ = invert(model, digits, stage_space, args.steps, cache=f"{key}-heldout")
        inversions[stage_space] = result
        shown = at_28(result.images)
        row = report.setdefault("inversion", {}).setdefault(stage_space, {})
        row.update({
            "digits": len(digits), "steps": args.steps, "psnr_db": round(float(psnr(shown, digits).mean()), 2),
            "psnr_model_size_db": round(float(psnr(to_uint8(result.images.clamp(-1, 1)), to_uint8(target)).mean()), 2),
            "classifier_reads_original": round(float(np.mean(classifier.predict(shown).numpy() == labels)), 4)})
        print(stage_space, report["inversion"][stage_space], flush=True)
        save_report(out, report)
    if args.inversion_only:
        return
    held_inversion = inversions[space]
    calibration_inversion, _ = invert(model, calibration, space, args.steps, cache=f"{key}-calibration")
    supervised = find_directions(model, "attribute", attributes=ATTRIBUTES, seed=args.seed)
    edits = {}
    for attribute in ATTRIBUTES:
        other = next(a for a in ATTRIBUTES if a != attribute)
        candidates = {"supervised": [(supervised.get(attribute), layers) for layers in layer_options(model)],
                      "closed-form": [(best_closed_form(model, attribute, other, seed=args.seed, layers=layers), layers)
                                      for layers in layer_options(model)]}
        for kind, options in candidates.items():
            # calibrated on training digits only: per direction and layer range, the smallest strength at which
            # >= 90 % move >= 1 std both ways; of those, the one that keeps the most digits readable
            best = None
            for direction, layers in options:
                span = model.parse_layers(layers)
                for strength in STRENGTHS:
                    moved, kept, _, _ = edit_outcomes(model, calibration_inversion, direction, strength, attribute, other,
                                                   calibration_labels, classifier, real_std, span)
                    if moved.mean() >= 0.9 or strength == STRENGTHS[-1]:
                        score = (moved.mean() >= 0.9, kept.mean() if moved.mean() >= 0.9 else moved.mean())
                        if best is None or score > best[0]:
                            best = (score, direction, layers, strength)
                        break
            _, direction, layers, strength = best
            moved, kept, other_change, _ = edit_outcomes(model, held_inversion, direction, strength, attribute, other,
                                                      labels, classifier, real_std, model.parse_layers(layers))
            edits[f"{attribute} / {kind}"] = {
                "direction": direction.name, "space": space, "layers": layers, "strength": strength,
                "moved_1_std": round(float(moved.mean()), 4), "classifier_reads_original": round(float(kept.mean()), 4),
                f"mean_abs_{other}_change_std": round(float(np.nanmean(other_change)), 3),
                **{f"{key}_{sign}": round(float(values[half].mean()), 4)  # each way apart: -strength, then +
                   for key, values in (("moved_1_std", moved), ("classifier_reads_original", kept))
                   for sign, half in (("minus", slice(None, len(moved) // 2)), ("plus", slice(len(moved) // 2, None)))}}
            print(attribute, kind, edits[f"{attribute} / {kind}"], flush=True)
    report["edits"] = edits
    save_report(out, report)
    masked = digits.copy()
    masked[:, 14:] = 0
    completion, _ = invert(model, digits, space, args.steps, known=known, cache=f"{key}-lower-half")
    filled = at_28(torch.where(known, target, completion.images.cpu().clamp(-1, 1)))
    report["completion"] = {
        "space": space, "digits": len(digits), "mask": "lower half",
        "accuracy_completed": round(float(np.mean(classifier.predict(filled).numpy() == labels)), 4),
        "accuracy_masked": round(float(np.mean(classifier.predict(masked).numpy() == labels)), 4),
        "accuracy_original": round(float(np.mean(classifier.predict(digits).numpy() == labels)), 4)}
    print(report["completion"], flush=True)
    save_report(out, report)


def timing(args) -> None:
    """Seconds per image of each space, measured afresh on the first --time held-out digits (no cache)."""
    out, report, model = open_report(args)
    digits = load_dataset("mnist-5k", "heldout").images[: args.time]
    for space in args.spaces or [model.edit_space]:
        _, seconds = invert(model, digits, space, args.steps)
        report.setdefault("inversion", {}).setdefault(space, {})["seconds_per_image"] = round(seconds, 3)
        print(space, f"{seconds:.3f} s per image", flush=True)
    report["timing"] = {"digits": args.time, "steps": args.steps, "threads": torch.get_num_threads(),
                        "machine": machine(), "command": COMMAND}
    save_report(out, report)


def curves(args) -> None:
    """What each strength does: every direction the edits table chose from (supervised and best
    closed-form, per layer range), at strengths 1, 2, 3, 4 and 6, applied each way to the held-out
    inversions (cached by a full run first); a reading aid for choosing a strength, not a calibration."""
    out, report, model = open_report(args)
    key = cache_key(out, model)
    held = load_dataset("mnist-5k", "heldout")
    digits, labels = held.images[: args.num], held.labels[: args.num]
    real_std = report["real_std"]
    inversion, _ = invert(model, digits, model.edit_space, args.steps, cache=f"{key}-heldout")
    classifier = build_extractor("digits")
    supervised = find_directions(model, "attribute", attributes=ATTRIBUTES, seed=args.seed)
    rows = []
    for attribute in ATTRIBUTES:
        other = next(a for a in ATTRIBUTES if a != attribute)
        for layers in layer_options(model):
            closed = best_closed_form(model, attribute, other, seed=args.seed, layers=layers)
            for kind, direction in (("supervised", supervised.get(attribute)), ("closed-form", closed)):
                for strength in (1.0, 2.0, 3.0, 4.0, 6.0):
                    moved, kept, other_change, _ = edit_outcomes(model, inversion, direction, strength, attribute, other,
                                                              labels, classifier, real_std, model.parse_layers(layers))
                    half = len(moved) // 2
                    rows.append({"attribute": attribute, "kind": kind, "direction": direction.name, "layers": layers,
                                 "strength": strength, "moved_minus": round(float(moved[:half].mean()), 3),
                                 "moved_plus": round(float(moved[half:].mean()), 3),
                                 "read_minus": round(float(kept[:half].mean()), 3),
                                 "read_plus": round(float(kept[half:].mean()), 3),
                                 "other_std": round(float(np.nanmean(other_change)), 3)})
                    print(rows[-1], flush=True)
    report["curves"] = {"command": COMMAND, "digits": len(digits), "rows": rows}
    save_report(out, report)


KEEP_STRENGTHS = (3.0, 4.5, 6.0)  # the class-keeping walk moves less per unit strength than the straight line
UNTIL_STRENGTHS = (6.0, 9.0, 12.0)  # with --until the strength is only the farthest a digit may go


def keep_class_section(args) -> str:
    """The report section of one keep-class variant."""
    return ("keep_class" + ("_hold_other" if args.hold_other else "") + (f"_until_{args.until:g}" if args.until else "")
            + (f"_{args.num}_digits" if args.num != 1000 else ""))


def keep_class(args) -> None:
    """The edits table's rows again with --keep-class: each row's direction and layer range, the strength
    calibrated on the training digits as before but from KEEP_STRENGTHS (the smallest at which >= 90 %
    move >= 1 std both ways, else the one that moves most), then the held-out digits. "Still read" by
    the shipped classifier, which the walk holds, and by --judge, a classifier the walk never saw."""
    out, report, model = open_report(args)
    key = cache_key(out, model)
    if "edits" not in report:
        raise SystemExit(f"{out} has no edits table yet: run the full bench first")
    held, train = load_dataset("mnist-5k", "heldout"), load_dataset("mnist-5k", "train")
    digits, labels = held.images[: args.num], held.labels[: args.num]
    calibration_rows = np.random.default_rng(0).permutation(len(train))[: args.calibrate]
    calibration, calibration_labels = train.images[calibration_rows], train.labels[calibration_rows]
    held_inversion, _ = invert(model, digits, model.edit_space, args.steps, cache=f"{key}-heldout")
    calibration_inversion, _ = invert(model, calibration, model.edit_space, args.steps, cache=f"{key}-calibration")
    classifier, reader = build_extractor("digits"), class_reader(model)
    if not (args.judge / "card.json").is_file():
        raise SystemExit(f"no second classifier in {args.judge}: make it with python bench/train_classifier.py "
                         f"--seed 1 --out {args.judge}")
    judge = load_classifier(args.judge)
    judge_card = json.loads((args.judge / "card.json").read_text())
    supervised = find_directions(model, "attribute", attributes=ATTRIBUTES, seed=args.seed)
    real_std = report["real_std"]
    section = report.setdefault(keep_class_section(args),
                                {"command": COMMAND, "judge": str(args.judge), "judge_card": judge_card, "rows": {}})
    for name, row in report["edits"].items():
        if name in section["rows"]:
            continue
        attribute, kind = name.split(" / ")
        other = next(a for a in ATTRIBUTES if a != attribute)
        span = model.parse_layers(row["layers"])
        direction = (supervised.get(attribute) if kind == "supervised"
                     else best_closed_form(model, attribute, other, seed=args.seed, layers=row["layers"]))
        hold = (other,) if args.hold_other else ()
        # --until as `ganforge edit --until ATTRIBUTE=STDS` makes it
        until = Until(attribute, args.until * attribute_spread(model, attribute)[0]) if args.until else None
        chosen = None
        for strength in UNTIL_STRENGTHS if until else KEEP_STRENGTHS:
            moved = edit_outcomes(model, calibration_inversion, direction, strength, attribute, other,
                                  calibration_labels, classifier, real_std, span, reader=reader, hold=hold,
                                  until=until).moved.mean()
            if chosen is None or moved > chosen[1]:
                chosen = (strength, moved)
            if moved >= 0.9:
                break
        result = edit_outcomes(model, held_inversion, direction, chosen[0], attribute, other, labels, classifier,
                               real_std, span, reader=reader, hold=hold, judge=judge, until=until)
        half = len(result.moved) // 2
        section["rows"][name] = {
            "hold": list(hold), "until_stds": args.until, "digits": len(digits),
            "moved_1_std_minus": round(float(result.moved[:half].mean()), 4),
            "moved_1_std_plus": round(float(result.moved[half:].mean()), 4),
            "direction": direction.name, "layers": row["layers"], "strength": chosen[0],
            "moved_1_std": round(float(result.moved.mean()), 4),
            "classifier_reads_original": round(float(result.kept.mean()), 4),
            "judge_reads_original": round(float(result.judged.mean()), 4),
            f"mean_abs_{other}_change_std": round(float(np.nanmean(result.other_change)), 3),
            "plain_judge_reads_original": round(float(edit_outcomes(
                model, held_inversion, direction, row["strength"], attribute, other, labels, classifier, real_std,
                span, judge=judge).judged.mean()), 4)}
        print(name, section["rows"][name], flush=True)
        save_report(out, report)


def shear_reference() -> None:
    """An ideal slant edit: the held-out digits sheared about their centre row by Pillow (bicubic); the
    smallest shear at which >= 90 % move >= 1 std each way, and what it does to the thickness."""
    held = load_dataset("mnist-5k", "heldout")
    digits = held.images[:1000, ..., 0]
    real = measure_attributes(held.images, ATTRIBUTES)
    real_std = {k: float(np.nanstd(v)) for k, v in real.items()}
    before = measure_attributes(digits, ATTRIBUTES)
    side = digits.shape[1]

    def sheared(amount: float) -> np.ndarray:  # x_in = x_out + amount * (y - centre): leans right for amount > 0
        return np.stack([np.asarray(Image.fromarray(d).transform((side, side), Image.Transform.AFFINE,
                                                                  (1, amount, -amount * side / 2, 0, 1, 0),
                                                                  resample=Image.Resampling.BICUBIC)) for d in digits])

    rows = []
    for amount in np.arange(0.05, 1.0001, 0.05):
        moved, drift = [], []
        for sign in (-1.0, 1.0):
            after = measure_attributes(sheared(sign * amount), ATTRIBUTES)
            moved.append(np.nan_to_num((after["slant"] - before["slant"]) * sign / real_std["slant"], nan=-np.inf) >= 1)
            drift.append(np.abs(after["thickness"] - before["thickness"]) / real_std["thickness"])
        moved, drift = np.concatenate(moved), np.concatenate(drift)
        rows.append({"shear": round(float(amount), 2), "moved_1_std": round(float(moved.mean()), 4),
                     "mean_abs_thickness_change_std": round(float(np.nanmean(drift)), 3)})
        print(rows[-1], flush=True)
        if moved.mean() >= 0.9:
            break
    EVAL.mkdir(parents=True, exist_ok=True)
    (EVAL / "shear-reference.json").write_text(json.dumps(
        {"command": COMMAND, "digits": len(digits), "real_std": real_std, "rows": rows}, indent=2) + "\n")


def table() -> None:
    """Print the tables from every docs/eval/editing-*.json."""
    reports = [json.loads(p.read_text()) for p in sorted(EVAL.glob("editing-*.json"))]
    print("| model | space | PSNR (dB) | still read as the digit | s per image |\n| --- | --- | --- | --- | --- |")
    for r in reports:
        for space, row in r.get("inversion", {}).items():
            seconds = f"{row['seconds_per_image']:.3f}" if "seconds_per_image" in row else "not timed"
            print(f"| {r['model']} | {space} | {row['psnr_db']:.2f} | {100 * row['classifier_reads_original']:.1f} % "
                  f"| {seconds} |")
    print("\n| model | edit | direction | layers | strength | moved >= 1 std (- / +) | still read (- / +) "
          "| other attribute moved (std) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")

    def both_ways(row: dict, key: str) -> str:
        ways = f" ({100 * row[key + '_minus']:.1f} / {100 * row[key + '_plus']:.1f})" if key + "_plus" in row else ""
        return f"{100 * row[key]:.1f} %{ways}"

    for r in reports:
        for edit, row in r.get("edits", {}).items():
            other = next(v for k, v in row.items() if k.startswith("mean_abs"))
            print(f"| {r['model']} | {edit} | {row['direction']} | {row.get('layers', 'all')} | {row['strength']} | "
                  f"{both_ways(row, 'moved_1_std')} | {both_ways(row, 'classifier_reads_original')} | {other:.3f} |")
    print("\n| model | edit | layers | strength | moved >= 1 std (- / + where kept) | still read: shipped / judge "
          "| plain edit read by the judge | other attribute moved (std) |\n| --- | --- | --- | --- | --- | --- | --- | --- |")
    for report, section in ((r, s) for r in reports for s in r if s.startswith("keep_class")):
        for edit, row in report[section]["rows"].items():
            other = next(v for k, v in row.items() if k.startswith("mean_abs"))
            walk = "keep-class" + "".join(f", hold {name}" for name in row.get("hold", []))
            walk += f", until {row['until_stds']:g} std" if row.get("until_stds") else ""
            walk += f" ({row['digits']} digits)" if row.get("digits", 1000) != 1000 else ""
            print(f"| {report['model']} | {edit}, {walk} | {row['layers']} | {row['strength']} | "
                  f"{both_ways(row, 'moved_1_std')} | {100 * row['classifier_reads_original']:.1f} % / "
                  f"{100 * row['judge_reads_original']:.1f} % | {100 * row['plain_judge_reads_original']:.1f} % | "
                  f"{other:.3f} |")
    print("\n| model | space | accuracy completed | masked | original |\n| --- | --- | --- | --- | --- |")
    for r in reports:
        if "completion" in r:
            c = r["completion"]
            print(f"| {r['model']} | {c['space']} | {100 * c['accuracy_completed']:.1f} % | "
                  f"{100 * c['accuracy_masked']:.1f} % | {100 * c['accuracy_original']:.1f} % |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model")
    source.add_argument("--checkpoint")
    source.add_argument("--table", action="store_true")
    source.add_argument("--shear-reference", action="store_true",
                        help="only what a pure shear of the held-out digits does to slant and thickness")
    parser.add_argument("--spaces", default="", help="comma-separated, e.g. z or w,w+ (default: the edit space)")
    parser.add_argument("--num", type=int, default=1000)
    parser.add_argument("--calibrate", type=int, default=200)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only-invert", default="", metavar="STAGES",
                        help="only fill the inversion caches of these stages (heldout,calibration,lower-half)")
    parser.add_argument("--inversion-only", action="store_true",
                        help="only the inversion table (e.g. to add a space); edits and completion are left as they are")
    parser.add_argument("--curves", action="store_true",
                        help="only what each strength does, per direction and layer range, on the held-out inversions")
    parser.add_argument("--keep-class", action="store_true",
                        help="only the edits table's rows again, walked with --keep-class, judged also by --judge")
    parser.add_argument("--hold-other", action="store_true",
                        help="with --keep-class: the walk holds the other attribute too (ganforge edit --hold)")
    parser.add_argument("--until", type=float, metavar="STDS",
                        help="with --keep-class: each digit stops once its attribute moved STDS (ganforge edit --until)")
    parser.add_argument("--judge", type=Path, default=Path("runs/judge-classifier"),
                        help="a classifier the edits never saw: python bench/train_classifier.py --seed 1 --out "
                             "runs/judge-classifier")
    parser.add_argument("--time", type=int, default=0, metavar="N",
                        help="only time the inversion of the first N held-out digits per space (on an idle machine)")
    args = parser.parse_args()
    if args.table:
        return table()
    if args.shear_reference:
        return shear_reference()
    args.spaces = [s for s in args.spaces.split(",") if s]
    timing(args) if args.time else curves(args) if args.curves else keep_class(args) if args.keep_class else run(args)


if __name__ == "__main__":
    main()
