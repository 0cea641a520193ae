"""Weights shipped inside the package (src/ganforge/weights/<name>/), usable offline."""

from __future__ import annotations

import json
from pathlib import Path

from ganforge.errors import GanforgeError
from ganforge.models.io import MODEL_FILE, STATE_FILE
from ganforge.registry import did_you_mean

WEIGHTS_DIR = Path(__file__).resolve().parent.parent / "weights"


def list_pretrained() -> dict[str, dict]:
    """Shipped generator name -> its state.json."""
    found = {}
    if WEIGHTS_DIR.is_dir():
        for folder in sorted(WEIGHTS_DIR.iterdir()):
            if (folder / MODEL_FILE).is_file() and (folder / STATE_FILE).is_file():
                found[folder.name] = json.loads((folder / STATE_FILE).read_text())
    return found


def pretrained_path(name: str) -> Path:
    """The folder of shipped model `name`."""
    available = list_pretrained()
    if name not in available:
        choices = ", ".join(available) or "none"
        raise GanforgeError(
            f"no shipped model '{name}'{did_you_mean(name, list(available))}; shipped: {choices} "
            "(or pass --checkpoint RUN_DIR)"
        )
    return WEIGHTS_DIR / name
