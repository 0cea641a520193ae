"""The template a newcomer copies to add a task (docs/architecture.md, "Add a task"): a toy task, "score" (a
model that gives each image a number), declared once in each layer, and what the declarations buy: the
checkpoint knows its task, the image commands refuse it in one line naming its command, `ganforge evaluate`
dispatches to its evaluation, and the browser app lists it under its own tab only.

In the package the task would be: a TaskName in models/family.TASK_NAMES (TASKS is derived from it),
a Task entry in apps/tasks.py, a tab function in ui/tabs.py (and its entry in TABS), plus what users do with
it (apps/score.py, cli/score.py, a WebApp method) and a family that declares task="score" (the family
template: tests/training/test_family_contract.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import torch

import ganforge.models.family as family_module
from ganforge.apps.tasks import TASKS, EvaluateOptions, Task
from ganforge.cli.main import main
from ganforge.models import FAMILIES
from ganforge.models.io import checkpoint_task, load_network
from ganforge.models.tasks import TASK_NAMES, TaskName
from ganforge.objectives import OBJECTIVES
from ganforge.training import train
from ganforge.ui.tabs import TABS
from tests.training.test_family_contract import DECLARED_FAMILIES, DECLARED_OBJECTIVES

# models/tasks.py: what its models are and do, and the command that does it
SCORE_NAME = TaskName("score", "image-scoring", "scores images", "ganforge score")


def evaluate_scores(options: EvaluateOptions) -> str:
    """apps/score.py: how `ganforge evaluate` measures a scorer (here: its mean score of noise images)."""
    scorer = load_network(options.checkpoint, role="discriminator").generator
    images = torch.rand(16, 1, 28, 28, generator=torch.Generator().manual_seed(options.seed)) * 2 - 1
    return f"mean score {scorer(images).mean().item():.4f} of 16 noise images"


# apps/tasks.py: its entry
SCORE_TASK = Task("score", ("score", "evaluate"), evaluate_scores)


def score_tab(page) -> None:
    """ui/tabs.py: its tab (one function)."""
    page.introduce("score", "Score pictures. Same as `ganforge score`.", "Train one: `ganforge train toy-scorer`.")
    page.model_list("score")


@pytest.fixture
def score_task(monkeypatch):
    """The toy task's declarations, and a toy family that declares it, registered for this test only."""
    monkeypatch.setattr(family_module, "TASKS", (*family_module.TASKS, "score"))
    monkeypatch.setitem(TASK_NAMES, "score", SCORE_NAME)
    monkeypatch.setitem(TASKS._entries, "score", SCORE_TASK)
    monkeypatch.setitem(TABS, "score", ("Score", score_tab))
    scorer = replace(DECLARED_FAMILIES[0], name="toy-scorer", task="score")
    monkeypatch.setitem(FAMILIES._entries, "toy-scorer", scorer)
    monkeypatch.setitem(OBJECTIVES._entries, "toy-scorer", DECLARED_OBJECTIVES["toy"])


@pytest.fixture
def scorer_run(score_task, tmp_path: Path) -> Path:
    config = tmp_path / "scorer.toml"
    config.write_text('family = "toy-scorer"\ndata = "mnist-5k"\n[train]\nsteps = 2\nbatch_size = 8\nsample_every = 0\n')
    train(str(config), out=tmp_path / "runs" / "scorer", device="cpu", progress=False)
    return tmp_path / "runs" / "scorer"


def test_a_family_cannot_declare_a_task_nobody_declared():
    with pytest.raises(ValueError, match="unknown task 'score'"):
        replace(DECLARED_FAMILIES[0], task="score")


def test_a_declared_task_is_known_refused_by_other_commands_and_evaluated_by_its_own(scorer_run: Path, tmp_path,
                                                                                        capsys):
    assert checkpoint_task(scorer_run) == "score"
    assert main(["sample", "--checkpoint", str(scorer_run), "--out", str(tmp_path / "x.png")]) == 2
    error = capsys.readouterr().err
    assert "not an image or speech model: it scores images (use `ganforge score`)" in error
    assert len(error.strip().splitlines()) == 1 and not (tmp_path / "x.png").exists()
    assert main(["evaluate", "--checkpoint", str(scorer_run)]) in (0, None)
    assert "mean score" in capsys.readouterr().out
    assert main(["evaluate", "--checkpoint", str(scorer_run), "--kernel", "matlab"]) == 2  # not its option


def test_the_browser_app_offers_a_declared_task_under_its_own_tab(scorer_run: Path, tmp_path):
    from ganforge.apps.webapp import WebApp

    app = WebApp(scorer_run.parent, work=tmp_path / "work")
    assert app.catalogue.keys("score") == ["runs/scorer"] and "runs/scorer" in app.catalogue.keys("evaluate")
    assert "runs/scorer" not in app.catalogue.keys("generate")
    gr = pytest.importorskip("gradio", reason="the page needs Gradio (pip install -e '.[ui]')")
    from ganforge.ui.page import build

    page = build(app)
    assert "score" in [block.id for block in page.blocks.values() if isinstance(block, gr.Tab)]
