"""Issue 17's independent check, rehearsed: the rows of the keep-class edits table redone with the shipped
commands alone (`ganforge directions`, then `ganforge edit ... --each`), measured from the PNGs they
write, beside the bench's own figures on the same digits.

    python bench/quality/editing_cli.py --model stylegan2-mnist --num 100
    python bench/quality/editing_cli.py --model stylegan2-mnist --num 100 --section keep_class_hold_other_until_1.2_paced

For each row of --section (docs/eval/editing-NAME.json; default: the chosen-layers table) this writes
the first --num held-out mnist-5k digits as PNGs, makes the row's direction with `ganforge directions`
(attribute; sefa of the row's layers; pca), runs `ganforge edit --input DIGITS --strength -S,0,S
--keep-class --hold OTHER --until ATTRIBUTE=U --layers L --each` and measures each/NAME_-S.png and
NAME_+S.png against NAME_+0.png (the reconstruction) as the bench does: moved >= 1 std of the real
held-out digits the asked way (the way the direction file's measured effect says), still read by the
shipped classifier and by --judge, the mean |change| of the other attribute in real stds. The asked
way of a closed-form direction comes from its file, whose sign may be the bench's reversed: the
figures count both ways alike. The commands and figures go to the report's section `cli_check`; the
edits are kept under --work, so a rerun only measures again.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from editing_common import ATTRIBUTES, cache_key, edit_outcomes, invert, judge_reads, open_report, save_report
from PIL import Image

from ganforge.apps.directions import (
    attribute_spread,
    best_closed_form,
    class_reader,
    find_directions,
    load_directions,
)
from ganforge.apps.edit import Until
from ganforge.apps.inversion import Inversion
from ganforge.data import load_dataset
from ganforge.data.streaming import square_image
from ganforge.metrics.attributes import measure_attributes
from ganforge.metrics.classifier import load_classifier
from ganforge.metrics.extractors import build_extractor

GANFORGE = [sys.executable, "-m", "ganforge"]


def ganforge(*args: str) -> str:
    """Run one ganforge command; its command line as a user types it."""
    subprocess.run([*GANFORGE, *args], check=True, stdout=subprocess.DEVNULL)
    return "ganforge " + " ".join(args)


def direction_file(model_name: str, name: str, layers: str, work: Path) -> tuple[Path, str]:
    """The file `ganforge directions` writes for a table row's direction, and the command that made it."""
    if name.startswith("sefa-"):
        path, args = work / f"sefa-{layers}.safetensors", ["--method", "sefa", "--layers", layers]
    elif name.startswith("pca-"):
        path, args = work / "pca.safetensors", ["--method", "pca"]
    else:
        path, args = work / "attribute.safetensors", ["--method", "attribute"]
    command = ["directions", "--model", model_name, *args, "--out", str(path)]
    if not path.exists():
        ganforge(*command)
    return path, "ganforge " + " ".join(command)


def read_each(folder: Path, names: list[str], strength: float, size: int = 28) -> np.ndarray:
    """uint8 (N, 28, 28, 1) of each/NAME_STRENGTH.png, resized as the bench resizes model images."""
    images = []
    for name in names:
        image = np.asarray(Image.open(folder / "each" / f"{name}_{strength:+g}.png"))[..., None]
        images.append(image if image.shape[0] == size else square_image(image, size))
    return np.stack(images)


def first(inversion: Inversion, count: int) -> Inversion:
    """The inversion of the first `count` digits only."""
    def head(value):
        return None if value is None else value[:count]

    return Inversion(space=inversion.space, latents=head(inversion.latents), labels=head(inversion.labels),
                     noises=None if inversion.noises is None else [n[:count] for n in inversion.noises],
                     images=head(inversion.images), pixel_mse=head(inversion.pixel_mse))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--num", type=int, default=100)
    parser.add_argument("--section", default="keep_class_hold_other_until_1.2_paced_layers_chosen")
    parser.add_argument("--rows", default="", help="only these rows, e.g. thickness/supervised")
    parser.add_argument("--judge", type=Path, default=Path("runs/judge-classifier"))
    parser.add_argument("--work", type=Path, default=Path("runs/editing-cli"))
    args = parser.parse_args()
    args.checkpoint = None
    out, report, model = open_report(args)
    section = report[args.section]
    held = load_dataset("mnist-5k", "heldout")
    digits, labels = held.images[: args.num], held.labels[: args.num]
    folder = args.work / f"digits-{args.num}"
    names = [f"d{index:04d}" for index in range(args.num)]
    if not folder.exists():
        folder.mkdir(parents=True)
        for name, digit in zip(names, digits):
            Image.fromarray(digit[..., 0]).save(folder / f"{name}.png")
    classifier, judge = build_extractor("digits"), load_classifier(args.judge)
    real_std = report["real_std"]
    cached = held.images[: -(-args.num // 200) * 200]  # whole chunks of the bench's inversion cache, then the first --num
    bench_inversion = first(invert(model, cached, model.edit_space, 300, cache=f"{cache_key(out, model)}-heldout",
                                   chunk=200)[0], args.num)
    supervised = find_directions(model, "attribute", attributes=ATTRIBUTES)
    check = report.setdefault("cli_check", {})
    wanted = [r.replace(" ", "") for r in args.rows.split(",") if r]
    for row_name, row in section["rows"].items():
        if wanted and row_name.replace(" ", "") not in wanted:
            continue
        attribute, kind = row_name.split(" / ")
        other = next(a for a in ATTRIBUTES if a != attribute)
        strength, layers, until = row["strength"], row["layers"], row["until_stds"]
        path, directions_command = direction_file(args.model, row["direction"], layers, args.work)
        edited = args.work / f"{args.num}-{attribute}-{kind}-{layers}-{strength:g}"
        edit_args = ["edit", "--model", args.model, "--input", str(folder), "--direction", f"{path}:{row['direction']}",
                     "--layers", layers, "--strength", f"{-strength:g},0,{strength:g}", "--keep-class",
                     "--hold", other, "--until", f"{attribute}={until:g}", "--each", "--out", str(edited)]
        edit_command = "ganforge " + " ".join(edit_args)
        if not (edited / "each").is_dir() or len(list((edited / "each").iterdir())) < 3 * args.num:
            print("running:", edit_command, flush=True)
            ganforge(*edit_args)
        effect = next(d for d in load_directions(path).directions if d.name == row["direction"]).effect[attribute]
        base = measure_attributes(read_each(edited, names, 0.0), (attribute, other))
        moved, read, judged, other_change = [], [], [], []
        for signed in (-strength, strength):
            images = read_each(edited, names, signed)
            after = measure_attributes(images, (attribute, other))
            way = np.sign(signed) * np.sign(effect)  # the way the file says this strength moves the attribute
            moved.append(np.nan_to_num((after[attribute] - base[attribute]) * way / real_std[attribute], nan=-np.inf) >= 1)
            read.append(classifier.predict(images).numpy() == labels)
            judged.append(judge_reads(judge, images) == labels)
            other_change.append(np.abs(after[other] - base[other]) / real_std[other])
        # the bench's own measurement of the same row on the same digits (its cached inversions)
        direction = (supervised.get(attribute) if kind == "supervised"  # as the bench chose it (its sign too)
                     else best_closed_form(model, attribute, other, layers=layers))
        bench = edit_outcomes(model, bench_inversion, direction, strength, attribute, other, labels, classifier,
                              real_std, model.parse_layers(layers), reader=class_reader(model), hold=(other,),
                              judge=judge, until=Until(attribute, until * attribute_spread(model, attribute)[0]))
        check[f"{row_name} / {args.num} digits"] = {
            "commands": [directions_command, edit_command],
            "cli": {"moved_1_std": round(float(np.concatenate(moved).mean()), 4),
                    "classifier_reads_original": round(float(np.concatenate(read).mean()), 4),
                    "judge_reads_original": round(float(np.concatenate(judged).mean()), 4),
                    f"mean_abs_{other}_change_std": round(float(np.nanmean(np.concatenate(other_change))), 3)},
            "bench": {"moved_1_std": round(float(bench.moved.mean()), 4),
                      "classifier_reads_original": round(float(bench.kept.mean()), 4),
                      "judge_reads_original": round(float(bench.judged.mean()), 4),
                      f"mean_abs_{other}_change_std": round(float(np.nanmean(bench.other_change)), 3)}}
        print(row_name, json.dumps(check[f"{row_name} / {args.num} digits"]), flush=True)
        save_report(out, report, "cli_check", f"{row_name} / {args.num} digits")


if __name__ == "__main__":
    main()
