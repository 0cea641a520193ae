"""Which models the browser app offers, and for which tabs: the shipped weights and the runs under
`--runs`, each with the tabs its checkpoint says it can serve (those its declared task lists,
ganforge.apps.tasks)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ganforge.apps.tasks import TASKS
from ganforge.errors import GanforgeError
from ganforge.models.io import read_state, resolve_checkpoint
from ganforge.models.pretrained import WEIGHTS_DIR, list_pretrained
from ganforge.models.tasks import task_of

RECOMMENDED = ("colourise-inception", "srresnet-x4-paper")  # offered first in their tabs


@dataclass(frozen=True)
class ModelEntry:
    """A model the app can use: a shipped one or a run folder."""

    key: str  # as the page shows it: "mnist-cgan" (shipped) or "runs/NAME"
    folder: Path  # the shipped folder or the run folder
    family: str
    task: str  # its declared task (ganforge.models.tasks.task_of)
    summary: str  # one line: family, steps, data

    @property
    def tabs(self) -> tuple[str, ...]:
        """The app's tabs that offer it: those its task lists (ganforge.apps.tasks)."""
        return TASKS.get(self.task).tabs


def _summary(state: dict) -> str:
    data = state.get("data", {}).get("name") or "its data"
    return f"{state['family']}, {state.get('step', 0):,} steps on {data}"


class Catalogue:
    """The shipped models and the runs under `runs`, by key; rescanned on `refresh`."""

    def __init__(self, runs: str | Path | None = None):
        self.runs = None if runs is None else Path(runs)
        if self.runs is not None and not self.runs.is_dir():
            raise GanforgeError(f"--runs {runs}: no such folder; pass the folder your `ganforge train --out` runs are "
                                "in (e.g. runs)")
        self.entries: dict[str, ModelEntry] = {}
        self.refresh()

    def refresh(self) -> None:
        """Look again at the shipped weights and the run folders (a run that just saved appears)."""
        entries = {}
        shipped = list_pretrained()
        for name in sorted(shipped, key=lambda name: (name not in RECOMMENDED, name)):
            state = shipped[name]
            entries[name] = ModelEntry(name, WEIGHTS_DIR / name, state["family"], task_of(state), _summary(state))
        for folder in sorted(p for p in self.runs.iterdir() if p.is_dir()) if self.runs else ():
            try:
                state = read_state(resolve_checkpoint(folder))
                entries[f"runs/{folder.name}"] = ModelEntry(f"runs/{folder.name}", folder, state["family"],
                                                            task_of(state), _summary(state))
            except (GanforgeError, KeyError, TypeError):  # not a run (yet), or not one of ours
                continue
        self.entries = entries

    def keys(self, task: str) -> list[str]:
        """The models that can serve `task`, shipped first (RECOMMENDED ones first among them)."""
        return [key for key, entry in self.entries.items() if task in entry.tabs]

    def get(self, key: str | None, task: str) -> ModelEntry:
        """The entry `key`, checked to serve `task`: a one-line reason otherwise."""
        if not key:
            raise GanforgeError("choose a model first (the list above)")
        if key not in self.entries:
            raise GanforgeError(f"no model '{key}' any more (its folder was moved?); press Refresh and choose again")
        entry = self.entries[key]
        if task not in entry.tabs:
            raise GanforgeError(f"{key} is a {entry.family} model for {', '.join(entry.tabs)}, not {task}; choose "
                                f"one of: {', '.join(self.keys(task)) or 'none here (train one, see the tab)'}")
        return entry
