"""Run every lecture notebook at full length (not the tests' quick mode) and print how long each took.

    python bench/notebooks.py [--only 01]

Each runs headless in a fresh folder under runs/notebooks/ (what it trains stays there).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import nbclient
import nbformat

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Execute, time, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run only notebooks whose name starts with this")
    args = parser.parse_args()
    for path in sorted((ROOT / "notebooks").glob("*/*.ipynb")):
        if not path.name.startswith(args.only):
            continue
        folder = ROOT / "runs" / "notebooks" / path.parent.name / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        notebook = nbformat.read(path, as_version=4)
        started = time.perf_counter()
        nbclient.NotebookClient(notebook, timeout=3600, kernel_name="python3",
                                resources={"metadata": {"path": str(folder)}}).execute()
        print(f"{path.parent.name}/{path.name}: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
