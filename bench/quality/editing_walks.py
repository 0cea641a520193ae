"""The class-keeping and until-walks of bench/quality/editing.py --keep-class, and --shear-reference, the ideal
slant edit they are judged against. Run through bench/quality/editing.py (see its docstring)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from editing_common import (
    ATTRIBUTES,
    COMMAND,
    EVAL,
    cache_key,
    edit_outcomes,
    invert,
    layer_options,
    open_report,
    save_report,
)
from PIL import Image

from ganforge.apps.directions import (
    attribute_spread,
    best_closed_form,
    class_reader,
    find_directions,
)
from ganforge.apps.edit import Until
from ganforge.data import load_dataset
from ganforge.metrics.attributes import measure_attributes
from ganforge.metrics.classifier import load_classifier
from ganforge.metrics.extractors import build_extractor

KEEP_STRENGTHS = (3.0, 4.5, 6.0)  # the class-keeping walk moves less per unit strength than the straight line
UNTIL_STRENGTHS = (6.0, 9.0, 12.0)  # with --until the strength is only the farthest a digit may go


def keep_class_walk(args) -> str:
    """The walk of one keep-class variant: what its calibration depends on (not the digits it is judged on)."""
    return ("keep_class" + ("_hold_other" if args.hold_other else "")
            + (f"_until_{args.until:g}_paced" if args.until else "")  # until walks that keep the class are paced
            + (f"_calibrated_on_{args.calibrate}" if args.calibrate != 200 else ""))


def keep_class_section(args) -> str:
    """The report section of one keep-class variant."""
    return (keep_class_walk(args) + ("_layers_chosen" if args.choose_layers else "")
            + (f"_{args.num}_digits" if args.num != 1000 else ""))


def candidate_layers(model, row_layers: str, choose: bool) -> list[str]:
    """The edits row's layer range first; with --choose-layers, then every other named range of a
    style-based model and the two unions of neighbours (coarse+middle, middle+fine), written A-B."""
    if not choose or not model.style_based:
        return [row_layers]
    named = model.style_layer_ranges()
    unions = [f"{named['coarse'][0]}-{named['middle'][1]}", f"{named['middle'][0]}-{named['fine'][1]}"]
    return [row_layers] + [layers for layers in layer_options(model) + unions if layers != row_layers]


def saved_calibrations(out: Path, walk: str, row: str) -> dict:
    """The calibrations of one row and walk as the report file holds them now."""
    report = json.loads(out.read_text()) if out.exists() else {}
    return report.get("keep_class_calibration", {}).get(walk, {}).get(row, {})


def clears_bars(moved: float, read: float) -> bool:
    """Whether a calibrated range meets the acceptance bars on the calibration digits: >= 90 % moved
    >= 1 std, >= 95 % still read as their digit."""
    return moved >= 0.9 and read >= 0.95


def preference(moved: float, read: float, own: bool) -> tuple:
    """How a layer range ranks on the calibration digits: of those that move >= 90 %, the one read
    best; else the one that moves most; a tie goes to the edits row's own range."""
    return moved >= 0.9, read if moved >= 0.9 else moved, own


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
    held_inversion, _ = invert(model, digits, model.edit_space, args.steps, cache=f"{key}-heldout", chunk=200)
    calibration_inversion, _ = invert(model, calibration, model.edit_space, args.steps, cache=f"{key}-calibration")
    classifier, reader = build_extractor("digits"), class_reader(model)
    if not (args.judge / "card.json").is_file():
        raise SystemExit(f"no second classifier in {args.judge}: make it with python bench/weights/train_classifier.py "
                         f"--seed 1 --out {args.judge}")
    judge = load_classifier(args.judge)
    judge_card = json.loads((args.judge / "card.json").read_text())
    supervised = find_directions(model, "attribute", attributes=ATTRIBUTES, seed=args.seed)
    real_std = report["real_std"]
    name_of = {name.replace(" ", ""): name for name in report["edits"]}
    if unknown := [row for row in args.rows if row not in name_of]:
        raise SystemExit(f"no edits row {', '.join(unknown)}: --rows takes some of {', '.join(name_of)}")
    rows = [name_of[row] for row in args.rows] or list(report["edits"])
    section_name, walk = keep_class_section(args), keep_class_walk(args)
    section = report.setdefault(section_name,
                                {"command": COMMAND, "judge": str(args.judge), "judge_card": judge_card, "rows": {}})
    # each range's calibration, kept across runs and shared by every variant of the same walk
    calibrations = report.setdefault("keep_class_calibration", {}).setdefault(walk, {})
    for name in rows:
        row = report["edits"][name]
        if name in section["rows"]:
            continue
        attribute, kind = name.split(" / ")
        other = next(a for a in ATTRIBUTES if a != attribute)
        hold = (other,) if args.hold_other else ()
        # --until as `ganforge edit --until ATTRIBUTE=STDS` makes it
        until = Until(attribute, args.until * attribute_spread(model, attribute)[0]) if args.until else None
        tried, done = {}, calibrations.setdefault(name, {})
        candidates = candidate_layers(model, row["layers"], args.choose_layers)
        if args.calibrate_from_end:  # the own range first still, then from the last range back
            candidates = candidates[:1] + candidates[:0:-1]
        for layers in candidates:
            if tried and clears_bars(*tried[row["layers"]][2][1:]):
                break  # the edits row's own range clears the bars: nothing to choose
            done.update(saved_calibrations(out, walk, name))  # what a run on the other core finished
            if args.calibrate_from_end and tried and layers in done:
                break  # the run from the start has come this far
            span = model.parse_layers(layers)
            direction = (supervised.get(attribute) if kind == "supervised"
                         else best_closed_form(model, attribute, other, seed=args.seed, layers=layers))
            best = tuple(done[layers]) if layers in done else None
            for strength in () if best else UNTIL_STRENGTHS if until else KEEP_STRENGTHS:
                outcome = edit_outcomes(model, calibration_inversion, direction, strength, attribute, other,
                                        calibration_labels, classifier, real_std, span, reader=reader, hold=hold,
                                        until=until)
                moved, read = float(outcome.moved.mean()), float(outcome.kept.mean())
                if best is None or moved > best[1]:
                    best = (strength, moved, read)
                if moved >= 0.9:
                    break
            tried[layers], done[layers] = (direction, span, best), list(best)
            save_report(out, report, "keep_class_calibration", walk, name, layers)  # this range alone: two runs share a row
            print(f"  calibration: {name}, layers {layers}: strength {best[0]:g} moves {best[1]:.3f}, "
                  f"read {best[2]:.3f}", flush=True)
        if args.calibrate_from_end:
            continue  # the held-out digits are the run from the start's
        layers = max(tried, key=lambda k: preference(*tried[k][2][1:], k == row["layers"]))
        direction, span, chosen = tried[layers]
        result = edit_outcomes(model, held_inversion, direction, chosen[0], attribute, other, labels, classifier,
                               real_std, span, reader=reader, hold=hold, judge=judge, until=until)
        half = len(result.moved) // 2
        plain_direction, plain_span, _ = tried[row["layers"]]  # the edits row's own straight edit, for comparison
        section["rows"][name] = {
            "hold": list(hold), "until_stds": args.until, "paced": bool(args.until), "digits": len(digits),
            "moved_1_std_minus": round(float(result.moved[:half].mean()), 4),
            "moved_1_std_plus": round(float(result.moved[half:].mean()), 4),
            "direction": direction.name, "layers": layers, "strength": chosen[0],
            "moved_1_std": round(float(result.moved.mean()), 4),
            "classifier_reads_original": round(float(result.kept.mean()), 4),
            "judge_reads_original": round(float(result.judged.mean()), 4),
            f"mean_abs_{other}_change_std": round(float(np.nanmean(result.other_change)), 3),
            "plain_judge_reads_original": round(float(edit_outcomes(
                model, held_inversion, plain_direction, row["strength"], attribute, other, labels, classifier,
                real_std, plain_span, judge=judge).judged.mean()), 4)}
        if args.choose_layers:
            section["rows"][name]["calibration"] = {k: {"strength": v[2][0], "moved_1_std": round(v[2][1], 4),
                                                        "classifier_reads_original": round(v[2][2], 4)}
                                                    for k, v in tried.items()}
        print(name, section["rows"][name], flush=True)
        for key in "command", "judge", "judge_card":
            save_report(out, report, section_name, key)
        save_report(out, report, section_name, "rows", name)


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


def attribute_range() -> None:
    """How far real digits can move: for each attribute and way, the share of the 1,000 held-out digits
    whose value moved 1 std (of the held-out digits, as the tables count) would leave the range of
    real digits, taken as the 1st to 99th percentile of all 5,000 mnist-5k digits. An edit that moves
    those digits by 1 std draws something thinner (or thicker, ...) than 99 % of real digits."""
    digits = load_dataset("mnist-5k", "heldout").images[:1000]
    everything = measure_attributes(load_dataset("mnist-5k", "all").images, ATTRIBUTES)
    held = measure_attributes(digits, ATTRIBUTES)
    rows = {}
    for name in ATTRIBUTES:
        low, high = np.nanpercentile(everything[name], [1, 99])
        values = held[name]
        std = float(np.nanstd(values))  # the tables' real std: the held-out digits'
        rows[name] = {"std": round(std, 3), "percentile_1": round(float(low), 3), "percentile_99": round(float(high), 3),
                      "minus_leaves_range": round(float(np.mean(values - std < low)), 4),
                      "plus_leaves_range": round(float(np.mean(values + std > high)), 4)}
        print(name, rows[name], flush=True)
    EVAL.mkdir(parents=True, exist_ok=True)
    (EVAL / "attribute-range.json").write_text(json.dumps({"command": COMMAND, "digits": len(digits),
                                                           "rows": rows}, indent=2) + "\n")

