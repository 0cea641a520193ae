"""The lecture notebooks run top to bottom, headless, in their quick mode (a few training steps):
any error in any cell fails here. Full-length runs are timed by bench/checks/notebooks.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ROOT

nbclient = pytest.importorskip("nbclient", reason="nbclient is a test dependency (pip install -e '.[test]')")
nbformat = pytest.importorskip("nbformat")

# The French notebooks run (the lecture's language); each English twin has the same code cells
# (notebooks/build.py writes both from one source, checked below), so running it would run them again.
NOTEBOOKS = sorted((ROOT / "notebooks" / "fr").glob("*.ipynb"))


def code_cells(path: Path) -> list[str]:
    return [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def test_every_notebook_exists_in_both_languages_with_the_same_code():
    english = sorted((ROOT / "notebooks" / "en").glob("*.ipynb"))
    assert english and [p.name[:3] for p in english] == [p.name[:3] for p in NOTEBOOKS]
    for twin, path in zip(english, NOTEBOOKS):
        assert code_cells(twin) == code_cells(path), f"{twin.name} and {path.name} differ in code: rebuild them"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[f"{p.parent.name}/{p.stem}" for p in NOTEBOOKS])
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("GANFORGE_NOTEBOOK_QUICK", "1")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    figures = [cell for cell in notebook.cells
               if cell.cell_type == "code" and "show(" in cell.source and "def show(" not in cell.source]
    drawn = [cell for cell in figures if any(o.get("output_type") == "display_data" for o in cell.outputs)]
    assert figures and len(drawn) == len(figures)  # every cell that shows a figure showed one (ganforge's
    # own plots must not switch the notebook's matplotlib backend)
    assert not any(o.get("output_type") == "error" for o in outputs)
    assert os.path.isdir(tmp_path / "notebook-runs")  # it worked in its own folder, not the repository
