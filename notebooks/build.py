"""Writes the lecture notebooks (notebooks/en/*.ipynb and notebooks/fr/*.ipynb) from one source: the
code cells are shared, the prose is written for each language.

    python notebooks/build.py

Each notebook reads GANFORGE_NOTEBOOK_QUICK=1 (set by the tests) to train for a few steps only;
without it, it runs at full length (times in docs/lecture.md).
"""

from __future__ import annotations

import hashlib
import importlib
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent

SOURCES = HERE / "src"  # one module per notebook (nNN_name.py, each with NOTEBOOK), and common.py


def notebooks() -> list[dict]:
    """NOTEBOOK of every source module, in order: {language: (file name, [(kind, text), ...])}. A module
    may list in NEEDS the shipped weights it runs on; it is left out, and said, until they ship. A cell
    may name a third item, the shipped weights it alone runs on: it is left out until they ship."""
    from ganforge.models.pretrained import list_pretrained

    shipped = list_pretrained()
    sys.path.insert(0, str(SOURCES))
    try:
        found = []
        for path in sorted(SOURCES.glob("n[0-9]*.py")):
            module = importlib.import_module(path.stem)
            missing = [name for name in getattr(module, "NEEDS", ()) if name not in shipped]
            if missing:
                print(f"skipped {path.stem}: it needs the shipped weights {', '.join(missing)}", file=sys.stderr)
                continue
            notebook = {}
            for language, (name, cells) in module.NOTEBOOK.items():
                kept = [cell[:2] for cell in cells if len(cell) == 2 or cell[2] in shipped]
                if len(kept) < len(cells) and language == "en":
                    needed = sorted({cell[2] for cell in cells if len(cell) == 3 and cell[2] not in shipped})
                    print(f"{path.stem}: {len(cells) - len(kept)} cells left out until {', '.join(needed)} ship",
                          file=sys.stderr)
                notebook[language] = (name, kept)
            found.append(notebook)
        return found
    finally:
        sys.path.remove(str(SOURCES))


def build() -> list[Path]:
    """Write every notebook whose cells changed (an unchanged one keeps its file and outputs); returns the
    paths written."""
    written = []
    for languages in notebooks():
        for language, (name, cells) in languages.items():
            notebook = nbformat.v4.new_notebook()
            notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
            notebook.metadata["language_info"] = {"name": "python"}
            notebook.cells = [nbformat.v4.new_markdown_cell(text) if kind == "md" else nbformat.v4.new_code_cell(text)
                              for kind, text in cells]
            for index, cell in enumerate(notebook.cells):  # stable ids: a rebuild changes only what changed
                cell.id = hashlib.sha1(f"{name}/{index}".encode()).hexdigest()[:8]
            path = HERE / language / f"{name}.ipynb"
            if path.is_file() and _sources(nbformat.read(path, as_version=4)) == _sources(notebook):
                continue  # unchanged: keep the committed file and its outputs (an executed notebook stays executed)
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, path)
            written.append(path)
    return written


def _sources(notebook) -> list[tuple[str, str]]:
    """What the build decides of a notebook: each cell's kind and text."""
    return [(cell.cell_type, cell.source) for cell in notebook.cells]


if __name__ == "__main__":
    for path in build():
        print(f"wrote {path}")
