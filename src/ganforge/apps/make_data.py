"""Write an offline translation dataset to disk in the layout other tools read too:
digit-styles -> trainA/ trainB/ testA/ testB/ (CycleGAN's), file names NNNNN-DIGIT.png;
skimage-photos, skimage-all -> train/ test/ (one domain, for colourise/complete/super-resolution
with --data DIR)."""

from __future__ import annotations

from pathlib import Path

from ganforge.data import TRANSLATION_DATASETS, PreprocessConfig, load_translation_dataset
from ganforge.errors import GanforgeError
from ganforge.utils.files import ensure_writable_dir
from ganforge.utils.images import save_image


def make_data(name: str, out: str | Path) -> dict[str, int]:
    """Write dataset `name` under `out`; returns images written per folder."""
    TRANSLATION_DATASETS.get(name)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise GanforgeError(f"--out {out} is a file; make-data writes a folder, so choose a new or empty one")
    if out.exists() and any(out.iterdir()):
        raise GanforgeError(f"{out} is not empty; choose a new folder for the dataset")
    counts = {}
    for split, suffix in (("train", "train"), ("heldout", "test")):
        data = load_translation_dataset(name, split, PreprocessConfig(flip=False))  # as stored
        domains = [("A", data.images_a, data.labels_a, data.names_a), ("B", data.images_b, data.labels_b, data.names_b)]
        for letter, images, labels, names in domains:
            if not images:
                continue
            folder = ensure_writable_dir(out / (f"{suffix}{letter}" if data.images_a else suffix))
            for index, image in enumerate(images):
                stem = names[index] if names else f"{index:05d}" + (f"-{labels[index]}" if labels is not None else "")
                save_image(image, folder / f"{Path(stem).stem}.png")
            counts[folder.name] = len(images)
    return counts
