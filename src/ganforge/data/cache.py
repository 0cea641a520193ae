"""Photo folders decoded and resized once: a uint8 cache on disk, memory-mapped, reused by every run.

Decoding a 180x180 JPEG and resizing it costs about a millisecond; a run of 10,000 steps of 64 images
would spend minutes doing it again and again, and a folder of 70,000 photos held decoded at full size
would not fit in memory. So the first run that needs a folder at some size decodes every file once (in
threads: Pillow releases the GIL), writes the result as one .npy file (N, size, size, C) uint8 under
$GANFORGE_DATA/cache (default ~/.cache/ganforge/cache), and every run after it, and every worker of a
data-parallel run, maps that file instead (the operating system shares its pages).

A cache's name holds two digests. The first names the set (the files' relative paths, in order, and the
size, the fit and the filter); the second its content as seen from the file system (each file's size and
modification time): a file added or removed gives a new set, a file changed (or the whole folder copied
afresh, as a synced data folder is) a new version of the same set, so a stale cache is never read. Writing a
new version deletes the older versions of that set, so re-synced data does not pile up 100 MB caches. A
cache is written to a temporary name and renamed, so two runs filling it at once, or a run killed while
filling it, never leave a torn file.
"""

from __future__ import annotations

import glob
import hashlib
import json
import math
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm import tqdm

from ganforge.data.download import data_home
from ganforge.data.folder import read_image
from ganforge.errors import GanforgeError
from ganforge.utils.files import umask

CACHE_VERSION = 1  # part of every key: bump it when the decoding below changes
FITS = ("centre-crop", "stretch")  # square images from others: crop the centre, or scale each side apart
FILTERS = {"bicubic": Image.BICUBIC, "lanczos": Image.LANCZOS, "bilinear": Image.BILINEAR, "box": Image.BOX,
           "nearest": Image.NEAREST}
DECODE_THREADS = max(1, min(8, os.cpu_count() or 1))


def square_image(image: np.ndarray, size: int, fit: str = "centre-crop", filter: str = "bicubic") -> np.ndarray:
    """uint8 (H, W, C) -> (size, size, C). centre-crop: scaled so the shorter side is `size`, then the
    centre square; stretch: each side scaled to `size` (the aspect ratio is not kept)."""
    height, width, channels = image.shape
    if (height, width) == (size, size):
        return image
    pillow = Image.fromarray(image[..., 0] if channels == 1 else image)
    if fit == "stretch":
        new = (size, size)
    else:
        scale = size / min(height, width)
        new = (max(size, round(width * scale)), max(size, round(height * scale)))
    array = np.asarray(pillow.resize(new, FILTERS[filter])) if new != (width, height) else np.asarray(pillow)
    array = array[..., None] if array.ndim == 2 else array
    top, left = (array.shape[0] - size) // 2, (array.shape[1] - size) // 2
    return array[top : top + size, left : left + size]


def cache_dir() -> Path:
    """Where decoded folders are kept."""
    return data_home() / "cache"


def cache_key(files: list[Path], root: Path, size: int, channels: int, fit: str, filter: str) -> str:
    """"SET-VERSION": a digest of the files' relative paths and the decoding settings (which set of images
    this is), then one of each file's size in bytes and modification time (which version of it)."""
    names = hashlib.sha256(json.dumps([CACHE_VERSION, size, channels, fit, filter]).encode())
    stats = hashlib.sha256()
    for path in files:
        stat = path.stat()
        names.update(f"{path.relative_to(root)}\n".encode())
        stats.update(f"{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return f"{names.hexdigest()[:12]}-{stats.hexdigest()[:12]}"


def drop_older_versions(path: Path) -> None:
    """Delete the caches of the same set as `path` (same name up to the version digest) but another version.
    A run still mapping one keeps reading it (POSIX keeps an unlinked file until it is closed); where the
    system refuses (a file open on Windows), it stays."""
    stem, _, _ = path.stem.rpartition("-")
    for other in path.parent.glob(f"{glob.escape(stem)}-*.npy"):
        if other != path and len(other.stem) == len(path.stem):
            try:
                other.unlink()
            except OSError:
                pass


def decoded_folder(files: list[Path], root: Path, size: int, channels: int, *, fit: str = "centre-crop",
                   filter: str = "bicubic", progress: bool = True,
                   on_note: Callable[[str], None] | None = None) -> np.ndarray:
    """uint8 (N, size, size, channels), read-only and memory-mapped: `files` decoded, converted to
    `channels` (1 or 3) and made square by `fit` and `filter`; from the cache when it holds them."""
    if fit not in FITS or filter not in FILTERS:
        raise GanforgeError(f"preprocess fit {fit!r} / filter {filter!r}: choose fit from {', '.join(FITS)} and "
                            f"filter from {', '.join(FILTERS)}")
    root = Path(root)
    path = cache_dir() / f"{root.name or 'folder'}-{size}px-{cache_key(files, root, size, channels, fit, filter)}.npy"
    if path.is_file():
        if on_note is not None:
            on_note(f"note: read {len(files):,} images of {root} at {size}x{size} ({fit}, {filter}) from the cache {path}")
        try:
            return np.load(path, mmap_mode="r")
        except (OSError, ValueError):  # damaged by something else than ganforge (its writes are atomic): redo it
            path.unlink(missing_ok=True)
    shape = (len(files), size, size, channels)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(path.parent).free
        if free < math.prod(shape) + (64 << 20):
            raise GanforgeError(f"the decoded images of {root} take {math.prod(shape) / 1e9:.1f} GB but {path.parent} "
                                f"has {free / 1e9:.1f} GB free; free space, set GANFORGE_DATA to a larger disk, or "
                                "train at a smaller size")
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".npy.tmp", dir=path.parent)
        os.close(fd)
    except OSError as error:
        raise GanforgeError(f"cannot write the image cache in {path.parent} ({error.strerror}); set GANFORGE_DATA "
                            "to a writable folder") from None
    if on_note is not None:
        on_note(f"note: decoded {len(files):,} images of {root} once to {size}x{size} ({fit}, {filter}) into "
                f"{path} (later runs read it from there)")

    def decode(index: int) -> np.ndarray:
        image = read_image(files[index])
        if image.shape[2] != channels:  # a grayscale photo in a colour folder, or the other way round
            image = (np.repeat(image, 3, axis=2) if channels == 3
                     else np.asarray(Image.fromarray(image).convert("L"))[..., None])
        return square_image(image, size, fit, filter)

    quiet = not progress or len(files) < 500 or not sys.stderr.isatty()
    try:
        images = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.uint8, shape=shape)
        with ThreadPoolExecutor(DECODE_THREADS, thread_name_prefix="ganforge-cache") as pool:
            decoded = pool.map(decode, range(len(files)))
            for index, image in enumerate(tqdm(decoded, total=len(files), disable=quiet, unit="image",
                                               desc="decoding", leave=False)):
                images[index] = image
        images.flush()
        del images  # closes the map before the rename
        os.chmod(tmp, 0o666 & ~umask())  # mkstemp's 0600 would survive the rename
        os.replace(tmp, path)
        drop_older_versions(path)
    except OSError as error:
        raise GanforgeError(f"cannot write the image cache {path} ({error.strerror}); free space or set "
                            "GANFORGE_DATA to another folder") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return np.load(path, mmap_mode="r")
