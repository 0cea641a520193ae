"""One guard for what every command writes: nothing the user has is lost or overwritten by accident.

Each command that writes declares its outputs (ganforge.cli: OUTPUTS, the options that name a file or a
folder it writes, and which of the two) and its inputs (INPUTS, the options that name what it reads, a
model included); the CLI checks them all here before the command does any work. Refused, in one line:
- an output that is one of the inputs (a file the command reads, a file of a folder it reads, or that
  folder);
- an output inside a checkpoint or model folder (one that holds state.json or model.safetensors), or
  one of the files a training run keeps (checkpoints/, metrics.jsonl, samples/, losses.png, .lock ...);
- an output folder that holds an input or the model being used (e.g. `--out .` above the photos);
  for a command that replaces its output folder whole (`--overwrite` on augment), also one that holds
  the current directory;
- an output file that exists, or a file of the same name as one the command writes into an output
  folder (each command declares them: cli OUTPUT_NAMES), unless --overwrite.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ganforge.errors import GanforgeError

MODEL_MARKERS = ("state.json", "model.safetensors")  # a checkpoint folder or an exported model
RUN_FILES = ("checkpoints", "metrics.jsonl", "samples", "tensorboard", "losses.png", ".lock")  # what training keeps


@dataclass(frozen=True)
class Output:
    """One path a command writes: a "file" or a "folder" (of files it names)."""

    option: str  # the option, for messages: "--out"
    path: Path
    kind: str = "file"
    names: tuple[str, ...] = ()  # a folder's: the file names (glob patterns) the command will write in it


def _resolved(path: str | Path) -> Path:
    return Path(path).expanduser().resolve()


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _model_folder(path: Path) -> Path | None:
    """The checkpoint / model folder `path` is in (or is), if any."""
    for folder in (path, *path.parents):
        if folder.is_dir() and any((folder / marker).is_file() for marker in MODEL_MARKERS):
            return folder
    return None


def _run_file(path: Path) -> Path | None:
    """The run folder whose own files `path` would replace (checkpoints/, metrics.jsonl ...), if any."""
    for folder in path.parents:
        if (folder / "checkpoints").is_dir():
            relative = path.relative_to(folder).parts
            return folder if relative and relative[0] in RUN_FILES else None
    return None


def guard_outputs(outputs: Iterable[Output], inputs: Iterable[str | Path], *, overwrite: bool = False,
                  replaces_folder: bool = False) -> None:
    """Refuse, before any work, outputs that would lose what the user has (see the module doc).
    `inputs`: paths the command reads (files or folders; missing ones are ignored here, the command
    says what is wrong with them). `replaces_folder`: the command deletes its output folder's content."""
    sources = [_resolved(path) for path in inputs if path and Path(path).expanduser().exists()]
    for output in outputs:
        target, name = _resolved(output.path), f"{output.option} {output.path}"
        blocking = next((folder for folder in target.parents if folder.exists() and not folder.is_dir()), None)
        if blocking is not None:
            raise GanforgeError(f"{name} cannot be written: {blocking} is a file, not a folder; choose a writable "
                                f"{output.option}")
        model = _model_folder(target)
        if model is not None:
            raise GanforgeError(f"{name} is inside the ganforge model or checkpoint {model}, which would be "
                                f"overwritten; choose another {output.option}")
        run = _run_file(target)
        if run is not None:
            raise GanforgeError(f"{name} is among the files training keeps in the run {run}, which would be "
                                f"overwritten; choose another {output.option}")
        if output.kind == "folder" and target.is_dir() and any((target / name).exists() for name in RUN_FILES[:2]):
            raise GanforgeError(f"{name} is a training run's folder, which would be overwritten; choose another "
                                f"{output.option} (an empty or new folder)")
        for source in sources:
            if target == source or (source.is_dir() and target.parent == source and target.is_file()):
                raise GanforgeError(f"{name} is an input of this command: the results would overwrite the input; "
                                    f"choose another {output.option}")
            if source.is_dir() and output.kind == "file" and _inside(target, source) and _model_folder(source):
                raise GanforgeError(f"{name} is inside the model {source}, which would be overwritten; choose "
                                    f"another {output.option}")
            if output.kind == "folder" and source != target and _inside(source, target):
                raise GanforgeError(f"{name} holds the input {source}: the results could overwrite the input; "
                                    f"choose a folder of its own for {output.option}")
        if output.kind == "folder" and replaces_folder and overwrite and _inside(_resolved(os.getcwd()), target):
            raise GanforgeError(f"{name} holds the current directory; --overwrite would delete it: choose a folder "
                                f"of its own for {output.option}")
        if output.kind == "folder" and target.is_dir() and not overwrite:
            existing = next((hit for pattern in output.names for hit in sorted(target.glob(pattern))), None)
            if existing is not None:
                raise GanforgeError(f"{existing} exists and this command would replace it; add --overwrite to "
                                    f"replace it, or choose another {output.option}")
        if output.kind == "file":
            if target.is_dir():
                raise GanforgeError(f"{name} is a folder; give a file path for {output.option}")
            if target.exists() and not overwrite:
                raise GanforgeError(f"{name} exists; add --overwrite to replace it, or choose another "
                                    f"{output.option}")
