"""The task registry: for each task a model can declare (ganforge.models.tasks), what ganforge offers for it:
how `ganforge evaluate` measures its models (and which of that command's task-specific options apply), and
which tabs of the browser app serve them (ganforge.ui lays out one page per tab).

`ganforge evaluate` and the browser app's catalogue dispatch on this table; a new task is one entry here
(docs/architecture.md, "Add a task").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from ganforge.apps.anomaly import evaluate_anomaly, format_anomaly
from ganforge.apps.evaluate import evaluate, format_result
from ganforge.apps.evaluate_speech import evaluate_speech, format_speech
from ganforge.apps.evaluate_translation import evaluate_translation, format_translation
from ganforge.models import TASKS as DECLARED_TASKS
from ganforge.registry import Registry
from ganforge.utils.files import atomic_write_text


@dataclass(frozen=True)
class EvaluateOptions:
    """What `ganforge evaluate` was asked: the model (a shipped name, a checkpoint folder, or generated images)
    and the protocol's settings; each task reads the ones it uses."""

    model: str | None = None
    checkpoint: str | None = None  # a checkpoint or run folder (a shipped model's folder for non-generators)
    fake: str | None = None
    real: str | None = None
    split: str = "heldout"
    metrics: list[str] | None = None
    features: str = "inception"
    num: int | None = None
    seed: int = 0
    device: str = "cpu"
    use_cache: bool = True
    out: str | None = None
    temperature: float | None = None
    kernel: str | None = None
    histogram: str | None = None
    self_ensemble: bool | None = None


# the options of `ganforge evaluate` that only some tasks take
TASK_OPTIONS = ("temperature", "kernel", "histogram", "self_ensemble")


@dataclass(frozen=True)
class Task:
    """What ganforge offers for one task."""

    name: str
    tabs: tuple[str, ...]  # the browser app's tabs that offer its models (the catalogue lists them there)
    # (options) -> the report `ganforge evaluate` prints (the result JSON written to options.out); None: that command
    # does not measure this task, `measured_by` says what does
    evaluate: Callable[[EvaluateOptions], str] | None = None
    options: frozenset[str] = field(default_factory=frozenset)  # of TASK_OPTIONS, the ones its evaluation takes
    measured_by: str = ""


def _noise_images(options: EvaluateOptions) -> str:
    return format_result(evaluate(
        model=options.model, checkpoint=options.checkpoint, fake=options.fake, real=options.real, split=options.split,
        metrics=options.metrics, features=options.features, num=options.num, seed=options.seed,
        device=options.device, use_cache=options.use_cache, progress=True, out=options.out))


def _translation(options: EvaluateOptions) -> str:
    return format_translation(evaluate_translation(
        options.checkpoint, real=options.real, split=options.split, seed=options.seed, device=options.device,
        out=options.out, temperature=options.temperature, kernel=options.kernel or "matlab",
        self_ensemble=bool(options.self_ensemble)))


def _anomaly(options: EvaluateOptions) -> str:
    return format_anomaly(evaluate_anomaly(options.checkpoint, real=options.real, device=options.device,
                                           out=options.out, histogram=options.histogram))


def _speech(options: EvaluateOptions) -> str:
    result = evaluate_speech(options.checkpoint, num=options.num or 1000, seed=options.seed, real=options.real,
                             device=options.device)
    if options.out:
        atomic_write_text(options.out, json.dumps(result, indent=2) + "\n")
    return format_speech(result)


TASKS: Registry[Task] = Registry("task")
for _task in (
    Task("generate", ("generate", "edit", "complete", "evaluate"), _noise_images),
    Task("translate", ("translate", "evaluate"), _translation),
    Task("colourise", ("colourise", "evaluate"), _translation, frozenset({"temperature"})),
    Task("complete", ("complete", "evaluate"), _translation),
    Task("upscale", ("upscale", "evaluate"), _translation, frozenset({"kernel", "self_ensemble"})),
    Task("detect", ("detect", "evaluate"), _anomaly, frozenset({"histogram"})),
    Task("speak", ("speak", "evaluate"), _speech),
    Task("write", ("write",), measured_by="python bench/quality/text_quality.py measures the shipped word models"),
    Task("compose", ("compose",), measured_by="python bench/quality/music_quality.py measures the shipped music "
         "models"),
    Task("animate", ("animate",), measured_by="python bench/quality/video_quality.py --checkpoint RUN measures a "
         "video model"),
):
    TASKS.register(_task.name, _task)
assert set(TASKS) == set(DECLARED_TASKS), "every task a family may declare has its entry"
