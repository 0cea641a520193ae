"""What several families' presets share: the translation papers' optimiser settings and schedule."""

from __future__ import annotations

from ganforge.data import PreprocessConfig
from ganforge.training.config import TrainConfig

# translation (defaults of Zhu et al. / Isola et al.: Adam 2e-4, beta1 0.5, no EMA)
TRANSLATION_TRAIN = {"ema_decay": 0.0, "lr_decay_start": 0.5}
# the papers' schedule: batch 1 for 200,000 steps (about 200 epochs of their datasets)
PAPER_TRAIN = TrainConfig(steps=200_000, batch_size=1, sample_every=1000, checkpoint_every=5000, **TRANSLATION_TRAIN)
PAPER_CROPS = PreprocessConfig(load_size=286, crop_size=256)
