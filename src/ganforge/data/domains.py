"""Two photo domains for unpaired translation (CycleGAN), made from labels or from two folders, with no
file copied by hand.

    utkface:RULE_A,RULE_B   faces of UTKFace (or FOLDER:RULE_A,RULE_B for a folder laid out as it:
                            images/ + labels.csv) whose labels match each rule. A rule is conditions
                            joined by '&': `age<=25`, `age>=50`, `age<13`, `age=30`, `sex=male`,
                            `sex=female` (or `sex=0` / `sex=1`). Examples:
                              utkface:age>=18&age<=29,age>=50     young adults <-> over 50
                              utkface:sex=male,sex=female         men <-> women
                            A face matching both rules is refused (the domains must not overlap).
    cats-dogs               the team's pet photos (../shared/data/cats-dogs), cats as A, dogs as B
    FOLDER                  a folder with exactly two subfolders of images and nothing else laid out
                            (../shared/data/cats-dogs: cats/ and dogs/): A is the first by name, B
                            the second.
Both hold out the same tenth as `utkface` (data/utkface.is_heldout: a rule on each file's name), so
`ganforge evaluate` and the translation bench score photos no run trained on. Photos are made square
and resized to `load_size` (64 if unset) once, through the decoded-image cache (data/cache.py), as
the face GANs read them: thousands of JPEGs load in a second after the first run.
"""

from __future__ import annotations

import dataclasses
import operator
import os
import re
from pathlib import Path

import numpy as np

from ganforge.data.cache import decoded_folder
from ganforge.data.folder import list_images
from ganforge.data.translation import PreprocessConfig, TranslationDataset
from ganforge.data.utkface import SEXES, face_folder, face_table, is_face_spec, is_heldout
from ganforge.errors import GanforgeError

DEFAULT_SIDE = 64  # photos' side when [preprocess] load_size is unset
# folder names of the other layouts (data/translation.py): a folder holding these is read as that layout
LAYOUT_FOLDERS = frozenset({"trainA", "trainB", "testA", "testB", "train", "test", "val", "A", "B"})
_OPERATORS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt, "=": operator.eq}
_CONDITION = re.compile(r"^\s*(age|sex)\s*(<=|>=|<|>|=)\s*([A-Za-z0-9]+)\s*$")
RULE_HELP = "e.g. utkface:age>=18&age<=29,age>=50 or utkface:sex=male,sex=female"


def is_rule_spec(spec: str) -> bool:
    """Whether `spec` is face data with two domain rules (`utkface:RULE_A,RULE_B`)."""
    base, sep, rules = spec.partition(":") if not Path(spec).exists() else (spec, "", "")
    return bool(sep) and any(op in rules for op in _OPERATORS) and is_face_spec(base)


def parse_rule(rule: str) -> list[tuple[str, str, int]]:
    """'age>=18&age<=29' -> [('age', '>=', 18), ('age', '<=', 29)]; sex names become 0 / 1."""
    conditions = []
    for part in rule.split("&"):
        match = _CONDITION.match(part)
        if not match:
            raise GanforgeError(f"domain rule {rule!r}: {part.strip()!r} is not a condition on age or sex ({RULE_HELP})")
        field, op, value = match.groups()
        if field == "sex":
            if op != "=":
                raise GanforgeError(f"domain rule {rule!r}: sex takes '=', as in sex=male ({RULE_HELP})")
            if value.lower() in SEXES:
                number = SEXES.index(value.lower())
            elif value in ("0", "1"):
                number = int(value)
            else:
                raise GanforgeError(f"domain rule {rule!r}: sex is male or female (0 or 1), not {value!r}")
        else:
            if not value.isdigit():
                raise GanforgeError(f"domain rule {rule!r}: age is compared with whole years, not {value!r}")
            number = int(value)
        conditions.append((field, op, number))
    return conditions


def rule_mask(rule: str, ages: np.ndarray, sexes: np.ndarray) -> np.ndarray:
    """Which faces match every condition of `rule`."""
    mask = np.ones(len(ages), bool)
    for field, op, value in parse_rule(rule):
        mask &= _OPERATORS[op](ages if field == "age" else sexes, value)
    return mask


def load_rule_domains(spec: str, split: str, preprocess: PreprocessConfig) -> TranslationDataset:
    """Domains A and B of a `utkface:RULE_A,RULE_B` spec (module doc)."""
    base, _, rules = spec.partition(":")
    parts = rules.split(",")
    if len(parts) != 2 or not all(part.strip() for part in parts):
        raise GanforgeError(f"--data {spec}: give two domain rules after the colon, separated by a comma ({RULE_HELP})")
    folder, _ = face_folder(base)
    table = face_table(folder, "train" if split == "all" else split)
    masks = [rule_mask(part, table.ages, table.sexes) for part in parts]
    both = masks[0] & masks[1]
    if both.any():
        raise GanforgeError(f"--data {spec}: {int(both.sum())} face(s) match both rules (e.g. "
                            f"{table.files[int(np.flatnonzero(both)[0])].name}); make the domains disjoint")
    for letter, part, mask in zip("AB", parts, masks):
        if not mask.any():
            raise GanforgeError(f"--data {spec}: no {split} face matches rule {letter} {part!r}; widen it")
    images = decoded_folder(list(table.files), folder, preprocess.load_size or DEFAULT_SIDE, 3, fit=preprocess.fit,
                            filter=preprocess.resize_filter)
    names = [path.name for path in table.files]
    a, b = (np.flatnonzero(mask) for mask in masks)
    return TranslationDataset(spec, tuple(images[a]), tuple(images[b]), False, preprocess,
                              names_a=tuple(names[i] for i in a), names_b=tuple(names[i] for i in b))


def two_folder_domains(root: Path) -> tuple[Path, Path] | None:
    """(A, B) when `root` holds exactly two subfolders and nothing else: no loose images, no other folder."""
    if not root.is_dir():
        return None
    entries = [entry for entry in root.iterdir() if not entry.name.startswith(".")]
    folders = sorted(entry for entry in entries if entry.is_dir())
    if len(folders) != 2 or list_images(root) or any(f.name in LAYOUT_FOLDERS for f in folders):
        return None
    return folders[0], folders[1]


def load_folder_domains(root: Path, split: str, preprocess: PreprocessConfig) -> TranslationDataset:
    """Domains from a folder of two image folders (module doc), with the held-out tenth by file name."""
    side = preprocess.load_size or DEFAULT_SIDE
    domains, names = [], []
    for folder in two_folder_domains(root):
        files = [path for path in list_images(folder) if split == "all" or is_heldout(path.name) == (split == "heldout")]
        if not files:
            raise GanforgeError(f"{folder} has no images for the {split} split; add .png/.jpg photos to it")
        domains.append(decoded_folder(files, folder, side, 3, fit=preprocess.fit, filter=preprocess.resize_filter))
        names.append(tuple(path.name for path in files))
    return TranslationDataset(str(root), tuple(domains[0]), tuple(domains[1]), False, preprocess,
                              names_a=names[0], names_b=names[1])


def domain_names(spec: str) -> tuple[str, str] | None:
    """What A and B are, for messages and model cards: the two rules, or the two folders' names."""
    if is_rule_spec(spec):
        a, _, b = spec.partition(":")[2].partition(",")
        return a.strip(), b.strip()
    folders = two_folder_domains(Path(spec).expanduser())
    return None if folders is None else (folders[0].name, folders[1].name)


PETS = "cats-dogs"


def shared_pets(split: str, preprocess: PreprocessConfig) -> TranslationDataset:
    """`cats-dogs`: the team's 4,000 cat and 4,000 dog photos (../shared/data/cats-dogs), cats as A."""
    candidates = [Path(os.environ["GANFORGE_SHARED_DATA"])] if os.environ.get("GANFORGE_SHARED_DATA") else []
    candidates += [Path("../shared/data"), Path("shared/data")]
    root = next((folder / PETS for folder in candidates if two_folder_domains(folder / PETS)), None)
    if root is None:
        raise GanforgeError(f"{PETS} needs ../shared/data/{PETS} (cats/ and dogs/); set GANFORGE_SHARED_DATA to the "
                            "folder that holds it, or pass --data path/to/folder with two image folders")
    dataset = load_folder_domains(root.resolve(), split, preprocess)
    return dataclasses.replace(dataset, name=PETS)
