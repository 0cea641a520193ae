"""Run every lecture notebook at full length (not the tests' quick mode) and print how long each took.

    python bench/checks/notebooks.py [--only 01] [--write]

Each runs headless in a fresh folder under runs/notebooks/ (what it trains stays there). --write saves
each executed notebook, outputs and pictures included, back over its file, so a student reading it on
the web sees what it draws (the tests still run them in their quick mode).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import nbclient
import nbformat

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    """Execute, time, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run only notebooks whose path under notebooks/ starts with this")
    parser.add_argument("--write", action="store_true", help="save the executed notebooks (with outputs) in place")
    args = parser.parse_args()
    for path in sorted((ROOT / "notebooks").glob("*/*.ipynb")):
        if not (path.name.startswith(args.only) or f"{path.parent.name}/{path.name}".startswith(args.only)):
            continue
        folder = ROOT / "runs" / "notebooks" / path.parent.name / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        notebook = nbformat.read(path, as_version=4)
        started = time.perf_counter()
        nbclient.NotebookClient(notebook, timeout=3600, kernel_name="python3",
                                resources={"metadata": {"path": str(folder)}}).execute()
        print(f"{path.parent.name}/{path.name}: {time.perf_counter() - started:.0f} s", flush=True)
        if args.write:
            nbformat.write(notebook, path)


if __name__ == "__main__":
    main()
