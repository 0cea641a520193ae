"""`shared-photos`: the 148 real colour photographs the team shares in ../shared/data (CBSD68's 68
and Sun & Hays' 80 scenes; not part of the package), one domain, for colourisation.

The held-out split is fixed: the photos sorted as "cbsd68/NAME" then "sun-hays80/NAME", every fifth
one from the first (positions 0, 5, 10, ...) is held out: 30 photos (14 CBSD68, 16 Sun-Hays), and
the other 118 train. Where the folder is: $GANFORGE_SHARED_DATA, else ../shared/data or
shared/data below the working directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ganforge.data.folder import list_images, read_image
from ganforge.data.translation import PreprocessConfig, TranslationDataset, resize_shorter_side, unify_channels
from ganforge.errors import GanforgeError

PHOTO_SETS = ("cbsd68", "sun-hays80")
HELDOUT_EVERY = 5  # every fifth photo of the sorted list is held out


def shared_data_dir() -> Path | None:
    """The shared data folder (holding cbsd68/ ...), or None when it is not on this machine."""
    candidates = [os.environ["GANFORGE_SHARED_DATA"]] if os.environ.get("GANFORGE_SHARED_DATA") else []
    candidates += ["../shared/data", "shared/data"]
    for candidate in candidates:
        folder = Path(candidate).expanduser()
        if all((folder / name).is_dir() for name in PHOTO_SETS):
            return folder
    return None


def shared_photo_files(split: str) -> list[Path]:
    """The photo files of `split` ('train', 'heldout' or 'all') in their fixed order."""
    folder = shared_data_dir()
    if folder is None:
        raise GanforgeError(
            "shared-photos needs the folders cbsd68/ and sun-hays80/ of ../shared/data; set GANFORGE_SHARED_DATA "
            "to the folder that holds them, or train on your own photos with --data FOLDER"
        )
    files = [path for name in PHOTO_SETS for path in list_images(folder / name)]
    if split == "all":
        return files
    heldout = split == "heldout"
    return [path for index, path in enumerate(files) if (index % HELDOUT_EVERY == 0) == heldout]


def shared_photos(split: str, preprocess: PreprocessConfig) -> TranslationDataset:
    """The shared photographs of `split`, shorter side scaled to preprocess.load_size (0: as stored)."""
    files = shared_photo_files(split)
    images = unify_channels([resize_shorter_side(read_image(path), preprocess.load_size) for path in files])
    names = tuple(f"{path.parent.name}/{path.name}" for path in files)
    return TranslationDataset("shared-photos", (), tuple(np.ascontiguousarray(image) for image in images), True,
                              preprocess, names_b=names)
