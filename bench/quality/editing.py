"""Editing real digits through a generator's latent space: the acceptance protocol of issue 17.

    python bench/quality/editing.py --model mnist-gan --spaces z
    python bench/quality/editing.py --checkpoint src/ganforge/weights/stylegan2-mnist --spaces w,w+
    python bench/quality/editing.py --model mnist-gan --spaces z --time 100   # seconds per image, on an idle machine
    python bench/quality/editing.py --model stylegan2-mnist --curves   # each strength's effect, after a full run
    python bench/quality/editing.py --model stylegan2-mnist --keep-class   # the edits again, class-keeping walks
    python bench/quality/editing.py --model stylegan2-mnist --keep-class --hold-other   # ... holding the other attribute too
    python bench/quality/editing.py --model stylegan2-mnist --keep-class --hold-other --until 1.2 --choose-layers
    python bench/quality/editing.py --shear-reference   # what an ideal slant edit (a pure shear) does to thickness
    python bench/quality/editing.py --attribute-range   # the share of real digits a 1-std move takes out of the real range
    python bench/quality/editing.py --table            # the side-by-side tables from the JSON files

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
              digit classifier (bench/weights/train_classifier.py --seed 1) that neither the walk nor the
              inversion used, and the plain edit judged by it too, for comparison. With --hold-other,
              the walk holds the other attribute as well (`ganforge edit --keep-class --hold OTHER`).
              With --choose-layers, each row's layer range is chosen on the calibration digits as
              well: the edits row's own range is kept if, calibrated, it clears the bars there
              (>= 90 % moved, >= 95 % read); else every named range and coarse+middle, middle+fine
              are calibrated too, and of those that move >= 90 % the one whose digits the shipped
              classifier reads best wins, else the one that moves most. Each range's calibration is
              kept in the report (keep_class_calibration) for every run of the same walk, whatever
              --num; --rows splits a run's rows between cores (two runs can share one report).
  shear       with --shear-reference, only this: the held-out digits sheared by Pillow (bicubic), the
              smallest shear (0.05 steps) at which >= 90 % move >= 1 std of slant each way, and the mean
              |thickness change| it causes: the floor of the disentanglement figure for slant edits,
              since the skeleton-based thickness moves when a stroke is merely sheared.
  range       with --attribute-range, only this: per attribute and way, the share of the held-out
              digits that a move of 1 std would take beyond the 1st or 99th percentile of all 5,000
              real digits: the part of the "moved" figure that asks for digits unlike any real one.
Note: the inversion's perceptual distance uses the shipped digit classifier's convolutional features,
so "still read as the digit" is judged by a network the search saw (its early layers, not its
decision); an independent check judges with its own classifier.
Writes docs/eval/editing-NAME.json (NAME: the model's folder name); resumes from a partial one.
The keep-class walks and the shear reference live in bench/quality/editing_walks.py; what both use (inversion
cache, one edit measured each way, the report) in bench/quality/editing_common.py.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch
from editing_common import (
    ATTRIBUTES,
    COMMAND,
    EVAL,
    at_28,
    cache_key,
    edit_outcomes,
    invert,
    layer_options,
    machine,
    open_report,
    psnr,
    save_report,
    to_model,
)
from editing_walks import attribute_range, keep_class, shear_reference

from ganforge.apps.directions import best_closed_form, find_directions
from ganforge.data import load_dataset
from ganforge.metrics.attributes import measure_attributes
from ganforge.metrics.extractors import build_extractor
from ganforge.utils.images import to_uint8

STRENGTHS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0)


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
    for report, section in ((r, s) for r in reports for s in r if s.startswith("keep_class") and "rows" in r[s]):
        for edit, row in report[section]["rows"].items():
            other = next(v for k, v in row.items() if k.startswith("mean_abs"))
            walk = "keep-class" + "".join(f", hold {name}" for name in row.get("hold", []))
            walk += f", until {row['until_stds']:g} std" if row.get("until_stds") else ""
            walk += ", paced" if row.get("paced") else ""
            walk += f", layers chosen of {len(row['calibration'])} calibrated" if "calibration" in row else ""
            walk += f" ({row['digits']} digits)" if row.get("digits", 1000) != 1000 else ""
            print(f"| {report['model']} | {edit}, {walk} | {row['layers']} | {row['strength']} | "
                  f"{both_ways(row, 'moved_1_std')} | {100 * row['classifier_reads_original']:.1f} % / "
                  f"{100 * row['judge_reads_original']:.1f} % | {100 * row['plain_judge_reads_original']:.1f} % | "
                  f"{other:.3f} |")
    print("\n| model | row (bench/quality/editing_cli.py) | moved >= 1 std: commands / bench | still read: shipped | "
          "judge | other attribute moved (std) |\n| --- | --- | --- | --- | --- | --- |")
    for r in reports:
        for row, check in r.get("cli_check", {}).items():
            cli, bench = check["cli"], check["bench"]
            other = next(k for k in cli if k.startswith("mean_abs"))
            print(f"| {r['model']} | {row} | " + " | ".join(
                f"{100 * cli[k]:.1f} % / {100 * bench[k]:.1f} %"
                for k in ("moved_1_std", "classifier_reads_original", "judge_reads_original"))
                + f" | {cli[other]:.3f} / {bench[other]:.3f} |")
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
    source.add_argument("--attribute-range", action="store_true",
                        help="only the share of held-out digits that 1 std each way takes beyond 99 %% of real digits")
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
    parser.add_argument("--choose-layers", action="store_true",
                        help="with --keep-class: each row's layer range chosen on the calibration digits too")
    parser.add_argument("--calibrate-from-end", action="store_true",
                        help="with --choose-layers: a second core's share of the same run: calibrates the rows' "
                             "ranges from the last one back until it meets the run from the start, then stops")
    parser.add_argument("--rows", default="", metavar="ROWS",
                        help="with --keep-class: only these edits rows, e.g. thickness/supervised,slant/closed-form")
    parser.add_argument("--judge", type=Path, default=Path("runs/judge-classifier"),
                        help="a classifier the edits never saw: python bench/weights/train_classifier.py --seed 1 --out "
                             "runs/judge-classifier")
    parser.add_argument("--time", type=int, default=0, metavar="N",
                        help="only time the inversion of the first N held-out digits per space (on an idle machine)")
    args = parser.parse_args()
    if args.table:
        return table()
    if args.shear_reference:
        return shear_reference()
    if args.attribute_range:
        return attribute_range()
    args.spaces = [s for s in args.spaces.split(",") if s]
    args.rows = [r.replace(" ", "") for r in args.rows.split(",") if r]
    timing(args) if args.time else curves(args) if args.curves else keep_class(args) if args.keep_class else run(args)


if __name__ == "__main__":
    main()
