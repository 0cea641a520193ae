"""What a model is for: its task, declared by its family (`Family.task`) and, for the two families that serve
several, refined by what its run declared about its data (a pix2pix run whose input is derived from the
target colourises or completes; a noise-to-image run on spectrograms speaks).

This is the one place that reads a checkpoint's task. The commands and the browser app dispatch on it
(ganforge.apps.tasks.TASKS says what each task offers); nothing probes a model's networks or compares a
family's name to find out what it can do.
"""

from __future__ import annotations

from pathlib import Path

from ganforge.errors import GanforgeError
from ganforge.models import FAMILIES
from ganforge.models.family import TASK_NAMES, TaskName

__all__ = ["DERIVED_INPUT_TASKS", "IMAGE_TO_IMAGE", "TASK_NAMES", "TaskName", "require_task", "task_of"]


IMAGE_TO_IMAGE = ("translate", "colourise", "complete", "upscale")  # the tasks whose models take a picture
# a translation run whose input is derived from the target image (preprocess.derive_input) does this task
DERIVED_INPUT_TASKS = {"lab": "colourise", "grayscale": "colourise", "mask": "complete"}


def task_of(state: dict) -> str:
    """The task of a checkpoint, from its state.json: the family's declared task, refined by the run's data."""
    family = FAMILIES.get(state["family"])
    if family.task == "translate":
        derive = state.get("run", {}).get("preprocess", {}).get("derive_input")
        return DERIVED_INPUT_TASKS.get(derive, "translate")
    if family.task == "generate" and state.get("data", {}).get("audio"):
        return "speak"  # images of sound (SpecGAN): a noise-to-image family trained on spectrograms
    return family.task


def require_task(state: dict, folder: str | Path, allowed: tuple[str, ...], use: str) -> str:
    """The task of the checkpoint at `folder` (its state.json read as `state`); refused in one line when it is
    not one of `allowed`, saying what the model does, which command does that, and what `use` (the refusing
    command) needs instead."""
    task = task_of(state)
    if task not in allowed:
        name, wanted = TASK_NAMES[task], " or ".join(TASK_NAMES[other].noun for other in allowed)
        article = "an" if wanted[0] in "aeiou" else "a"
        raise GanforgeError(f"{folder} is a {state['family']} checkpoint, not {article} {wanted} model: it {name.does} "
                            f"(use `{name.command}`); {use}")
    return task
