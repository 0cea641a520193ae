"""Presets of the musegan family: Bach chorales."""

from __future__ import annotations

from ganforge.models.musegan import MuseGANConfig
from ganforge.objectives.wgan import WGANObjectiveConfig
from ganforge.training.config import PRESETS, Preset, RunConfig, TrainConfig

# music: four-voice Bach chorales (music21's bundled corpus, transposed to C major / A minor) as piano rolls
# of 4 bars; the dcgan networks over (time x pitch) with one channel per voice, CPU-sized widths, WGAN-GP,
# Adam 2e-4 (betas 0.5 / 0.9). One critic update per generator update, not WGAN-GP's usual 5: with 5 the
# generator still drew only silence after 3,000 steps (600 updates), with 1 it drew notes in every voice by
# step 1,000 (2,000-step trials, docs/music.md).
_CHORALE_NETWORKS = {"generator_channels": (128, 64, 32, 16), "discriminator_channels": (16, 32, 64, 128)}
_CHORALE_TRAIN = TrainConfig(steps=8_000, batch_size=32, lr_generator=2e-4, lr_discriminator=2e-4, beta1=0.5,
                             beta2=0.9, sample_every=1000, checkpoint_every=1000, ema_decay=0.0)
# one pitch or a rest per voice and step (MuseGANConfig.voices: a softmax over pitches while training, its argmax
# when composing): a voice can neither sing a chord nor fall silent by a weak activation. Measured against the
# threshold rolls of MuseGAN (preset chorales-threshold, the model shipped before) on the same schedule, it
# brought every measure of docs/music.md nearer the real chorales, the share of minor passages included
PRESETS.register(
    "chorales",
    Preset(
        "four-voice Bach chorales as piano rolls (music21's corpus, 4 bars of sixteenths, voices as channels): "
        "MuseGAN-style convolutions over time x pitch, one pitch or a rest per voice and step, WGAN-GP; "
        "`ganforge compose` writes MIDI and WAV",
        RunConfig("musegan", "chorales", MuseGANConfig(voices=True, **_CHORALE_NETWORKS),
                  WGANObjectiveConfig(critic_steps=1), _CHORALE_TRAIN, "chorales"),
    ),
)
PRESETS.register(
    "chorales-threshold",
    Preset(
        "the chorales preset with MuseGAN's piano-roll output (a note wherever a tanh is above 0, so a voice may "
        "sing chords or nothing): the model shipped before, measured further from Bach (docs/music.md)",
        RunConfig("musegan", "chorales", MuseGANConfig(**_CHORALE_NETWORKS), WGANObjectiveConfig(critic_steps=1),
                  _CHORALE_TRAIN, "chorales-threshold"),
    ),
)
# chorales-threshold conditioned on the mode (major / minor). Unconditioned, that model drew a minor passage for
# 18 % of its samples where 42 % of the training windows are minor; conditioned, one 8,000-step run drew
# minor-sounding passages for 42 % of those asked for minor but lost on every other measure (docs/music.md)
PRESETS.register(
    "chorales-modes",
    Preset(
        "chorales-threshold conditioned on the mode (compose --label major|minor); measured worse than the "
        "unconditional one apart from the minor share (docs/music.md)",
        RunConfig("musegan", "chorales", MuseGANConfig(num_classes=2, **_CHORALE_NETWORKS),
                  WGANObjectiveConfig(critic_steps=1), _CHORALE_TRAIN, "chorales-modes"),
    ),
)
