"""`ganforge augment`: a labelled synthetic image set from a conditional generator, in the folder
layout `--data` reads (one subfolder per class), with a manifest of how it was made.

`--filter C` keeps only samples that a classifier trained on real images of the model's data (the
shipped mnist-classifier or fashion-classifier) assigns to the intended class with probability at
least C, drawing more until each class has its count (at most MAX_DRAWS_PER_KEPT draws per image
kept); the manifest says how many were drawn, how many of those passed (accepted), how many were kept. Everything is written into a hidden
folder beside --out and renamed into place at the end: an interrupted or refused run leaves nothing.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
from pathlib import Path
from typing import Any

import torch

from ganforge import __version__
from ganforge.apps.generate import check_truncation, load_model
from ganforge.errors import GanforgeError
from ganforge.metrics.classifier import to_classifier_size
from ganforge.metrics.extractors import domain_extractor_name
from ganforge.models import FAMILIES
from ganforge.models.pretrained import WEIGHTS_DIR
from ganforge.models.sampling import sample_images
from ganforge.utils.files import FolderLock, ensure_writable_dir, fsync_dir, refuse_overwriting, staging_dir
from ganforge.utils.images import save_image, to_uint8

MANIFEST = "manifest.json"
CHUNK = 500  # images drawn per generator call
MAX_DRAWS_PER_KEPT = 20  # --filter gives up on a class after this many draws per image it must keep
CLASSIFIERS = {"digits": "mnist-classifier", "fashion": "fashion-classifier"}  # domain network -> shipped classifier


def class_folder(index: int, name: str, count: int) -> str:
    """A folder name that sorts in label order and reads well: "7", or "03-dress"."""
    width = len(str(count - 1))
    if name == str(index) and width == 1:
        return name
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return f"{index:0{width}d}" + (f"-{slug}" if slug and slug != str(index) else "")


def _classifier(data: str):
    from ganforge.metrics.classifier import load_classifier

    domain = domain_extractor_name(data)
    if domain not in CLASSIFIERS:
        raise GanforgeError(f"--filter needs a classifier trained on real {data or 'data'}; ganforge ships one for "
                            "mnist-5k and fashion-mnist models: drop --filter for this model")
    return load_classifier(WEIGHTS_DIR / CLASSIFIERS[domain]), CLASSIFIERS[domain]


def augment(*, per_class: int, out: str | Path, model: str | None = None, checkpoint: str | Path | None = None,
            truncation: float = 1.0, filter_confidence: float | None = None, seed: int = 0, device: str = "cpu",
            overwrite: bool = False) -> dict[str, Any]:
    """Write `per_class` samples of every class into `out`/<class>/ and `out`/manifest.json; returns the manifest."""
    if per_class < 1:
        raise GanforgeError(f"--per-class {per_class}: ask for at least one image per class")
    if filter_confidence is not None and not 0 < filter_confidence < 1:
        raise GanforgeError(f"--filter {filter_confidence}: give a confidence between 0 and 1 (exclusive), e.g. 0.9")
    out = Path(out)
    if out.is_symlink():  # the set replaces --out whole, by a rename: a link would be replaced, not followed
        raise GanforgeError(f"--out {out} is a symbolic link; give the folder it points to ({out.resolve()}) or a new one")
    refuse_overwriting(out)
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise GanforgeError(f"--out {out} exists and is not empty; choose a new folder, or add --overwrite")
    loaded = load_model(model=model, checkpoint=checkpoint, device=device)
    check_truncation(loaded, truncation)
    num_classes = FAMILIES.get(loaded.family).num_classes(loaded.config)
    if num_classes == 0:
        raise GanforgeError(f"{model or checkpoint} is unconditional: it cannot be asked for a class, so its samples "
                            "have no labels; use a conditional model (e.g. --model mnist-cgan)")
    data = loaded.state.get("run", {}).get("data", "")
    judge, judge_name = _classifier(data) if filter_confidence is not None else (None, None)
    names = loaded.class_names or [str(k) for k in range(num_classes)]
    ensure_writable_dir(out.parent)
    shape = loaded.config.image_shape
    free = shutil.disk_usage(out.parent).free
    if per_class * num_classes * (math.prod(shape) + 200) > free:  # a PNG is at most its pixels, plus headers
        raise GanforgeError(f"--per-class {per_class:,} x {num_classes} classes of {shape[2]}x{shape[1]} images may "
                            f"need {per_class * num_classes * (math.prod(shape) + 200) / 1e9:.1f} GB, more than the "
                            f"{free / 1e9:.1f} GB free in {out.parent}; ask for fewer")
    # one augment per --out at a time: a second is refused while the first lives; a killed one's staging is removed
    with FolderLock(out.parent, "augment", name=f".{out.name}.lock"):
        for leftover in out.parent.glob(f".{out.name}.tmp-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        return _write_set(out, loaded, num_classes, names, per_class, judge, judge_name, filter_confidence,
                          truncation, seed, model, data, overwrite)


def _write_set(out: Path, loaded, num_classes: int, names: list[str], per_class: int, judge, judge_name,
               filter_confidence: float | None, truncation: float, seed: int, model: str | None, data: str,
               overwrite: bool) -> dict[str, Any]:
    """Draw, (filter,) write into a staging folder, then rename it to `out` (see augment)."""
    staging = staging_dir(out.parent, f".{out.name}.tmp-")
    try:
        counts = {}
        for label in range(num_classes):
            folder = staging / class_folder(label, names[label], num_classes)
            folder.mkdir()
            kept, drawn, accepted, draw_round = 0, 0, 0, 0
            while kept < per_class:
                if drawn >= MAX_DRAWS_PER_KEPT * per_class:
                    raise GanforgeError(f"--filter {filter_confidence}: class {names[label]} kept {kept} of "
                                        f"{per_class} after {drawn} draws; lower --filter")
                # in chunks: memory stays bounded however many are asked for
                want = min(CHUNK, per_class - kept if judge is None else 2 * (per_class - kept) + 8)
                labels = torch.full((want,), label, dtype=torch.long)
                images = sample_images(loaded.generator, want, labels=labels, truncation=truncation,
                                       seed=seed * 1_000_003 + label * 10_007 + draw_round)
                drawn += want
                draw_round += 1
                if judge is not None:
                    with torch.no_grad():
                        probability = judge(to_classifier_size(images)).softmax(1)[:, label]
                    images = images[probability >= filter_confidence]
                accepted += len(images)
                for image in to_uint8(images[: per_class - kept]):
                    save_image(image, folder / f"{label}-{kept:06d}.png")
                    kept += 1
            counts[names[label]] = {"kept": kept, "drawn": drawn, "accepted": accepted}
        manifest = {
            "ganforge_version": __version__, "model": model, "checkpoint": str(loaded.source),
            "family": loaded.family, "step": loaded.state.get("step"), "trained_on": data, "seed": seed,
            "truncation": truncation, "filter": filter_confidence, "filter_classifier": judge_name,
            "per_class": per_class, "classes": counts,
            "drawn": sum(c["drawn"] for c in counts.values()), "accepted": sum(c["accepted"] for c in counts.values()),
            "kept": sum(c["kept"] for c in counts.values()),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        fsync_dir(staging)
        if out.exists():
            shutil.rmtree(out) if overwrite else out.rmdir()
        os.rename(staging, out)
        fsync_dir(out.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest
