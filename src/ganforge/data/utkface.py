"""`utkface`: real, aligned colour face photos with each person's age and sex (UTKFace, Zhang, Song
and Qi, CVPR 2017; for non-commercial research only, copyright with the photos' owners).

The layout: a folder holding `images/` (the photos) and `labels.csv` with the columns `file` (a path
under the folder), `age` (years) and `gender` (0 male, 1 female, as the dataset's file names encode
it; a column named `sex` is read the same way). The team's copy is ../shared/data/utkface (8,998
photos, 200x200); `--data utkface` finds it ($GANFORGE_SHARED_DATA/utkface, else ../shared/data/utkface
or shared/data/utkface below the working directory), `--data path/to/folder` reads any folder laid out
the same way.

Labels: `utkface` (or a folder) labels each face by sex, class names ("male", "female"); `utkface:age`
(or `folder:age`) by age group, AGE_GROUPS below: children (0-12), young adults (13-29), adults
(30-49), over 50 (50 and more); `utkface:sex+age` by both, eight classes "male child", "male young
adult", ..., "female over 50" (sex-major: label = sex x 4 + age group). The chosen names travel with
every checkpoint, so `ganforge sample --label male` (or `--label "female over 50"`) works on a model
trained on it. A sex+age model also takes a group of classes (CLASS_GROUPS): `--label male` draws its
three male classes from 13 on in turn (boys are `--label "male child"`), `--label "over 50"` both sexes
over 50.

The held-out split is fixed by a rule on the file name alone, so it never depends on which other files
a copy holds: the first 8 hex digits of the SHA-1 of the file's name (without folders), read as a
number, mod 10 == 0 are held out (about 10 %: 852 of the team's 8,998), the rest train. Faces are
made square and resized to the requested size (64 by default) once, through the decoded-image cache
(ganforge.data.cache).
"""

from __future__ import annotations

import csv
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ganforge.data.base import SPLITS, ImageDataset
from ganforge.data.cache import decoded_folder
from ganforge.errors import GanforgeError

NAME = "utkface"
DEFAULT_SIZE = 64
SEXES = ("male", "female")  # UTKFace's gender 0 and 1
AGE_GROUPS = (("child", 0, 12), ("young adult", 13, 29), ("adult", 30, 49), ("over 50", 50, 200))
HELDOUT_BUCKETS = 10  # a file is held out when its name's hash mod 10 is 0


# each labelling's class names, in label order
CLASS_NAMES = {
    "sex": SEXES,
    "age": tuple(name for name, _, _ in AGE_GROUPS),
    "sex+age": tuple(f"{sex} {group}" for sex in SEXES for group, _, _ in AGE_GROUPS),
}


# sample-time names for several classes of a labelling at once (`ganforge sample --label male` on a
# sex+age model): each sex is its classes from 13 on, the men and women of the lecture's "only men's faces"
# (the face judge reads a child's sex far less surely, docs/faces.md), and each age group is both sexes of it.
# Boys and girls are asked for by their class, "male child" / "female child".
CLASS_GROUPS = {
    "sex": {},
    "age": {},
    "sex+age": {
        **{sex: tuple(s * len(AGE_GROUPS) + g for g in range(1, len(AGE_GROUPS))) for s, sex in enumerate(SEXES)},
        **{group: tuple(s * len(AGE_GROUPS) + g for s in range(len(SEXES))) for g, (group, _, _) in enumerate(AGE_GROUPS)},
    },
}


def face_labels(labelling: str, sexes: np.ndarray, ages: np.ndarray) -> np.ndarray:
    """int64 labels (N,) of faces of these sexes (0 male, 1 female) and ages (years) in `labelling`: the sex,
    the age group, or both (sex x len(AGE_GROUPS) + age group), as CLASS_NAMES names them. The data's labels
    and the face judge's verdicts both come from here."""
    sexes, groups = np.asarray(sexes, dtype=np.int64), age_group(ages).astype(np.int64)
    return {"sex": sexes, "age": groups, "sex+age": sexes * len(AGE_GROUPS) + groups}[labelling]


def age_group(age: np.ndarray | int) -> np.ndarray:
    """The index into AGE_GROUPS of each age in years."""
    bounds = np.array([low for _, low, _ in AGE_GROUPS[1:]])
    return np.searchsorted(bounds, np.asarray(age), side="right")


def is_heldout(file_name: str) -> bool:
    """The fixed split's rule (module doc): SHA-1 of the bare file name, first 8 hex digits, mod 10 == 0."""
    return int(hashlib.sha1(Path(file_name).name.encode()).hexdigest()[:8], 16) % HELDOUT_BUCKETS == 0


def split_spec(spec: str) -> tuple[str, str]:
    """("utkface" or a folder, a CLASS_NAMES labelling) from `utkface`, `utkface:age`, `folder:sex+age`, ..."""
    base, _, labelling = spec.rpartition(":") if spec.endswith(tuple(f":{name}" for name in CLASS_NAMES)) else (
        spec, "", "sex")
    return base, labelling


def shared_faces_dir() -> Path | None:
    """The team's UTKFace folder, or None when this machine has none."""
    candidates = [Path(os.environ["GANFORGE_SHARED_DATA"]) / NAME] if os.environ.get("GANFORGE_SHARED_DATA") else []
    candidates += [Path("../shared/data") / NAME, Path("shared/data") / NAME]
    return next((folder for folder in candidates if is_face_folder(folder)), None)


def is_face_folder(path: str | Path) -> bool:
    """Whether `path` is laid out as UTKFace (images/ and labels.csv)."""
    path = Path(path).expanduser()
    return (path / "labels.csv").is_file() and (path / "images").is_dir()


def is_face_spec(spec: str) -> bool:
    """Whether a --data value names face data with age and sex (`utkface`, `utkface:age`, such a folder)."""
    base, _ = split_spec(spec)
    return base == NAME or is_face_folder(base)


@dataclass(frozen=True)
class FaceTable:
    """Every face of one split: its file, age in years and sex (0 male, 1 female)."""

    root: Path
    files: tuple[Path, ...]
    ages: np.ndarray  # int64 (N,)
    sexes: np.ndarray  # int64 (N,)


def face_table(folder: Path, split: str) -> FaceTable:
    """The rows of labels.csv in `split` ('train', 'heldout', 'all'), sorted by file name; rows whose
    file is missing, or whose age or sex is not a number, are refused in one line. Read once per
    process for each version of labels.csv (its size and modification time)."""
    if split not in SPLITS:
        raise GanforgeError(f"unknown face split {split!r}; choose one of {', '.join(SPLITS)}")
    try:
        stat = (folder / "labels.csv").stat()
    except OSError as error:
        raise GanforgeError(f"cannot read {folder / 'labels.csv'} ({error.strerror})") from None
    return _face_table(folder, split, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def _face_table(folder: Path, split: str, size: int, mtime: int) -> FaceTable:
    rows = []
    try:
        with open(folder / "labels.csv", newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            columns = set(reader.fieldnames or ())
            sex_column = "gender" if "gender" in columns else "sex"
            if not {"file", "age", sex_column} <= columns:
                raise GanforgeError(f"{folder / 'labels.csv'} needs the columns file, age and gender (or sex); it "
                                    f"has {', '.join(sorted(columns)) or 'none'}")
            for line, row in enumerate(reader, start=2):
                try:
                    age, sex = int(row["age"]), int(row[sex_column])
                except (TypeError, ValueError):
                    raise GanforgeError(f"{folder / 'labels.csv'} line {line}: age and {sex_column} must be whole "
                                        f"numbers, not {row['age']!r} and {row[sex_column]!r}") from None
                if sex not in (0, 1) or not 0 <= age <= 150:
                    raise GanforgeError(f"{folder / 'labels.csv'} line {line}: {sex_column} must be 0 (male) or 1 "
                                        f"(female) and age 0-150, not {sex} and {age}")
                rows.append((row["file"], age, sex))
    except UnicodeDecodeError:
        raise GanforgeError(f"{folder / 'labels.csv'} is not UTF-8 text; save it as UTF-8 CSV") from None
    except OSError as error:
        raise GanforgeError(f"cannot read {folder / 'labels.csv'} ({error.strerror})") from None
    rows.sort()
    if split != "all":
        rows = [row for row in rows if is_heldout(row[0]) == (split == "heldout")]
    if not rows:
        raise GanforgeError(f"{folder / 'labels.csv'} lists no faces for the {split} split; add rows to it")
    files = tuple(folder / name for name, _, _ in rows)
    missing = [path for path in files if not path.is_file()]
    if missing:
        raise GanforgeError(f"{len(missing)} file(s) listed in {folder / 'labels.csv'} are missing, e.g. {missing[0]}; "
                            "restore them or remove their rows")
    return FaceTable(folder, files, np.array([r[1] for r in rows], dtype=np.int64),
                     np.array([r[2] for r in rows], dtype=np.int64))


def face_folder(spec: str) -> tuple[Path, str]:
    """(folder, labelling) of a face --data value; a missing team copy is one line."""
    base, labelling = split_spec(spec)
    if base == NAME:
        folder = shared_faces_dir()
        if folder is None:
            raise GanforgeError("utkface needs ../shared/data/utkface (images/ and labels.csv); set GANFORGE_SHARED_DATA "
                                "to the folder that holds utkface/, or pass --data path/to/faces laid out the same way")
        return folder.resolve(), labelling
    return Path(base).expanduser().resolve(), labelling


def load_faces(spec: str, split: str = "train", size: int = DEFAULT_SIZE, *, fit: str = "centre-crop",
               resize_filter: str = "bicubic", on_note=None) -> ImageDataset:
    """The faces of `split` as `size` x `size` RGB, labelled by sex or age group (see the module doc)."""
    folder, labelling = face_folder(spec)
    table = face_table(folder, split)
    images = decoded_folder(list(table.files), folder, size, 3, fit=fit, filter=resize_filter, on_note=on_note)
    return ImageDataset(spec, images, face_labels(labelling, table.sexes, table.ages), CLASS_NAMES[labelling],
                        CLASS_GROUPS[labelling])
