"""What a face model conditioned on sex (faces-cgan) or on sex and age group (faces-cgan-age) draws for each
class it is asked for, read by the shipped face judge, beside the same readings of the real held-out faces of
that class:

    python bench/quality/face_conditions.py --model faces-cgan [--num 200] [--out docs/eval/X.json]
    python bench/quality/face_conditions.py --checkpoint runs/faces-cgan-age

One row per class (--num samples each, seed = the class's number): the share the judge reads as the asked
sex, the share whose read age falls in the asked age group (models labelled by age group only), and the mean
age read; then pooled rows, "male" / "female" (every class of that sex) and "male 13+" / "female 13+" (its
classes from young adult on), each class weighted by its count of real held-out faces so the pooled samples
mirror the held-out population. The judge reads real held-out children's sex right far less often than
adults' (docs/faces.md), so the pooled rows say how much of a sex share is the children's. Last, a row for
each group of classes the model's data declared (a sex+age model's `--label male`: its male classes from 13
on), drawn exactly as `ganforge sample --label male` draws it (--num samples per class of the group, its
classes in turn; seed 1000 + the group's place), beside the real held-out faces of those classes.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from report import print_table

from ganforge.apps.generate import generate, load_model
from ganforge.data import load_dataset
from ganforge.data.utkface import CLASS_NAMES, SEXES, age_group, face_folder, face_table
from ganforge.metrics.faces import read_faces, shipped_face_judge
from ganforge.utils.images import from_uint8

GROUPS = CLASS_NAMES["age"]
COLUMNS = ("real faces", "asked sex", "asked sex (real)", "asked age group", "asked age group (real)", "age",
           "age (real)")


def parse_class(name: str) -> tuple[int, int | None]:
    """(sex, age group or None) of a class name: "male", "female", "male adult", "female over 50", ..."""
    sex, _, group = name.partition(" ")
    if sex not in SEXES or (group and group not in GROUPS):
        raise SystemExit(f"class {name!r} is not a sex or a sex and an age group; this bench reads faces-cgan-style "
                         "models (utkface or utkface:sex+age)")
    return SEXES.index(sex), GROUPS.index(group) if group else None


def readings(images: torch.Tensor, sex: int | None, group: int | None) -> dict[str, float | None]:
    """Shares of `images` ([-1, 1]) the judge reads as `sex` and in age `group` (None: not asked), and their
    mean age."""
    female, ages = read_faces(shipped_face_judge(), images)
    read_sex, read_group = (female > 0.5).long().numpy(), age_group(ages.numpy())
    return {"asked sex": None if sex is None else float((read_sex == sex).mean()),
            "asked age group": None if group is None else float((read_group == group).mean()),
            "age": float(ages.mean())}


def shared(values: list[int | None]) -> int | None:
    """The one value all of `values` share, else None."""
    return values[0] if len(set(values)) == 1 else None


def pooled(rows: dict[str, dict], names: list[str]) -> dict[str, float | None]:
    """The rows `names` averaged, each weighted by its count of real held-out faces."""
    weights = np.array([rows[name]["real faces"] for name in names], dtype=float)
    result: dict[str, float | None] = {"real faces": float(weights.sum())}
    for column in COLUMNS[1:]:
        values = [rows[name][column] for name in names]
        result[column] = None if None in values else float(np.average(values, weights=weights))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", help="a shipped model (faces-cgan)")
    source.add_argument("--checkpoint", help="a run folder or checkpoint of such a model")
    parser.add_argument("--num", type=int, default=200, help="samples of each class (default 200)")
    parser.add_argument("--out", help="JSON file for the table")
    args = parser.parse_args()
    started = time.perf_counter()
    torch.manual_seed(0)
    loaded = load_model(model=args.model, checkpoint=args.checkpoint)
    names = loaded.class_names
    if not names:
        raise SystemExit("this model draws no classes; pass a conditional face model (faces-cgan)")
    heldout = load_dataset("utkface", "heldout")
    folder, _ = face_folder("utkface")
    table = face_table(folder, "heldout")
    real_images, real_groups = from_uint8(np.asarray(heldout.images)), age_group(table.ages)
    rows: dict[str, dict] = {}
    masks = {}
    with torch.inference_mode():
        for label, name in enumerate(names):
            sex, group = parse_class(name)
            masks[name] = (table.sexes == sex) & (real_groups == group if group is not None else True)
            real = readings(real_images[torch.from_numpy(masks[name])], sex, group)
            fake = readings(generate(loaded, args.num, label=label, seed=label)[0], sex, group)
            rows[name] = {"real faces": float(masks[name].sum()), **fake, **{f"{k} (real)": v for k, v in real.items()}}
        groups = {}
        for place, (group_name, classes) in enumerate(loaded.class_groups.items()):
            parsed = [parse_class(names[k]) for k in classes]
            sex, group = shared([p[0] for p in parsed]), shared([p[1] for p in parsed])
            mask = np.any([masks[names[k]] for k in classes], axis=0)
            real = readings(real_images[torch.from_numpy(mask)], sex, group)
            drawn = generate(loaded, args.num * len(classes), label=group_name, seed=1000 + place)[0]
            groups[f"--label {group_name}"] = {"real faces": float(mask.sum()), **readings(drawn, sex, group),
                                                **{f"{k} (real)": v for k, v in real.items()}}
    for sex in SEXES:
        own = [name for name in names if parse_class(name)[0] == SEXES.index(sex)]
        grown = [name for name in own if (parse_class(name)[1] or 0) > 0]
        if len(own) > 1:
            rows[f"{sex} (pooled)"] = pooled(rows, own)
        if grown:
            rows[f"{sex} 13+ (pooled)"] = pooled(rows, grown)
    rows.update(groups)
    source_name = args.model or args.checkpoint
    printable = {name: {c: (float("nan") if v is None else v) for c, v in row.items()} for name, row in rows.items()}
    print_table(printable, COLUMNS, first="asked for",
                heading=f"{source_name}: {args.num} samples per class (seed = class number) read by the shipped face "
                        f"judge, beside the {len(heldout)} real held-out faces", started=started)
    if args.out:
        result = {"model": source_name, "samples_per_class": args.num, "judge": "face-attributes (shipped)",
                  "real": f"utkface held-out ({len(heldout)} faces)", "rows": rows,
                  "seconds": round(time.perf_counter() - started, 1)}
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
