"""Opt-in download of the full MNIST (70,000 digits), checked against known MD5 sums."""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from pathlib import Path

from ganforge.errors import GanforgeError
from ganforge.utils.files import atomic_write, file_digest

MNIST_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"  # the mirror torchvision uses
# file -> MD5 as published with the original MNIST files
MNIST_FILES = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}


def data_home() -> Path:
    """Where downloaded data lives: $GANFORGE_DATA, else ~/.cache/ganforge."""
    return Path(os.environ.get("GANFORGE_DATA", Path.home() / ".cache" / "ganforge"))


def md5_of(path: Path) -> str:
    """Hex MD5 of a file."""
    return file_digest(path, "md5")


def download_files(
    folder: Path, base_url: str, files: dict[str, str], timeout: float = 60.0
) -> Path:
    """Fetch each `name` from `base_url` into `folder` unless a copy with the right MD5 is there."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, expected in files.items():
        target = folder / name
        if target.is_file() and md5_of(target) == expected:
            continue
        url = base_url.rstrip("/") + "/" + name

        def fetch(tmp: Path, url: str = url, name: str = name, expected: str = expected) -> None:
            try:
                with urllib.request.urlopen(url, timeout=timeout) as response, open(tmp, "wb") as out:
                    while chunk := response.read(1 << 20):
                        out.write(chunk)
            except (urllib.error.URLError, OSError) as error:
                raise GanforgeError(f"download of {url} failed ({error}); check the network and retry") from None
            if (actual := md5_of(tmp)) != expected:
                raise GanforgeError(
                    f"{name} from {url} has MD5 {actual}, expected {expected}; the file was not kept, retry later"
                )

        atomic_write(target, fetch)  # a failed or wrong download never replaces a good file
    return folder


def download_mnist(folder: Path | None = None, base_url: str = MNIST_URL) -> Path:
    """Download the four MNIST files into `folder` (default: data_home()/mnist)."""
    return download_files(folder or data_home() / "mnist", base_url, MNIST_FILES)
