"""Presets of the textgan family: French words."""

from __future__ import annotations

from ganforge.models.textgan import TextGANConfig
from ganforge.objectives.wgan import WGANObjectiveConfig
from ganforge.training.config import PRESETS, Preset, RunConfig, TrainConfig

# text: French words (Debian's wfrench, `apt-get install wfrench`), the WGAN-GP language model of Gulrajani
# et al. 2017 sized for a CPU (their width 512 at 32 characters; here 64 at 16); one trainer step is one critic
# update, the generator's every 5th (they used 10). Two changes measured in 2,000-step trials (docs/text.md):
# the critic sees the generator's characters drawn by Gumbel-softmax straight-through (one-hot, like real
# words) rather than its softmax, and Adam 5e-4 (betas 0.5 / 0.9) rather than their 1e-4
PRESETS.register(
    "french-words",
    Preset(
        "character-level WGAN-GP (Gulrajani et al.) on real French words (wfrench, held-out tenth never trained on): "
        "conv generator, Gumbel straight-through characters, conv critic; `ganforge write` prints its words",
        RunConfig("textgan", "wfrench", TextGANConfig(output="gumbel"), WGANObjectiveConfig(),
                  TrainConfig(steps=20_000, batch_size=64, lr_generator=5e-4, lr_discriminator=5e-4, beta1=0.5,
                              beta2=0.9, sample_every=2000, checkpoint_every=2000, ema_decay=0.0),
                  "french-words"),
    ),
)
