"""Evaluation during training (`eval_every`): every N steps the sampling generator draws
`eval_num` images from fixed noise, one metric scores them against the held-out real images,
the value is logged with the losses, and the best step so far is kept as checkpoints/best.

The real side is prepared once per run (and cached on disk). The default feature network is
the data's shipped domain network (digits, fashion: well under a second per evaluation), else
the standard Inception (minutes per evaluation on a CPU).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ganforge.data import has_heldout, load_dataset, resize_dataset
from ganforge.errors import GanforgeError
from ganforge.metrics.cache import cache_dir
from ganforge.metrics.extractors import build_extractor, domain_extractor_name
from ganforge.metrics.reference import check_plan, measure, prepare_reference
from ganforge.metrics.suite import METRICS
from ganforge.models import FAMILIES
from ganforge.models.sampling import cycling_labels, sample_images
from ganforge.training.config import RunConfig
from ganforge.utils.images import to_uint8

EVAL_NOISE_OFFSET = 7_919  # evaluation noise seed = run seed + this: fixed, and apart from the grids' noise


class PeriodicEvaluation:
    """Scores a generator on one metric against the run's held-out real images."""

    def __init__(self, run: RunConfig, device: torch.device):
        train = run.train
        self.metric_name = train.eval_metric
        self.metric = METRICS.get(train.eval_metric)
        self.num = train.eval_num
        self.seed = train.seed + EVAL_NOISE_OFFSET
        self.num_classes = FAMILIES.get(run.family).num_classes(run.model)
        self.features = train.eval_features or domain_extractor_name(run.data) or "inception"
        heldout = has_heldout(run.data)
        real = load_dataset(run.data, "heldout" if heldout else "all")
        training = load_dataset(run.data, "train") if heldout and "train" in self.metric.needs else None
        if run.preprocess.load_size:  # as the generator saw them in training (mnist-5k at 32x32)
            real = resize_dataset(real, run.preprocess.load_size)
            if training is not None:
                training = resize_dataset(training, run.preprocess.load_size)
        judge_name = domain_extractor_name(run.data)
        if self.metric_name == "class-accuracy" and judge_name is None:
            raise GanforgeError(f"eval_metric 'class-accuracy' needs a shipped classifier for {run.data}; pick fid")
        check_plan(
            [self.metric_name], n_real=len(real), n_fake=self.num, has_train=training is not None,
            real_labelled=real.labels is not None, fake_labelled=self.num_classes > 0,
            has_judge=judge_name is not None,
        )
        extractor = build_extractor(self.features, device)
        channels, height, width = run.model.image_shape  # the generator's images must suit it: fail now, not later
        extractor.check(np.zeros((1, height, width, channels), np.uint8))
        judge = build_extractor(judge_name, device) if self.metric_name == "class-accuracy" else None
        self.reference = prepare_reference(extractor, real, train=training, judge=judge, cache=cache_dir())

    def __call__(self, generator: nn.Module) -> dict[str, float]:
        """Scalar results, keyed "eval/<name>" for the log."""
        labels = cycling_labels(self.num_classes, self.num)
        images = to_uint8(sample_images(generator, self.num, labels=labels, seed=self.seed))
        values = measure([self.metric_name], self.reference, images, labels)
        return {f"eval/{key}": value for key, value in values.items() if isinstance(value, float)}

    @property
    def key(self) -> str:
        """The log key of the value the best checkpoint is chosen by."""
        return f"eval/{self.metric.headline}"

    def better(self, value: float, best: float | None) -> bool:
        """Whether `value` beats `best` (None: nothing to beat)."""
        if best is None:
            return True
        return value < best if self.metric.lower_is_better else value > best
