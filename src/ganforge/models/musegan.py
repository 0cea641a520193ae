"""A multi-track piano-roll GAN in the MuseGAN way (Dong et al. 2018), sized for four-voice chorales on a CPU.

The generator draws a whole passage at once: z -> dense -> 4 x 4 feature map -> transposed convolutions over
(time x pitch) up to one channel per voice (soprano, alto, tenor, bass): (B, 4, steps, pitches) in [-1, 1],
a note where the value is above 0. The critic reads the same shape with the four voices as channels, so it
judges each voice and how they sound together (MuseGAN's "composer" model: one shared generator for all
tracks). The networks are the dcgan family's (models/dcgan.py) on a 4-channel (time x pitch) "image",
without batch normalisation in the critic (WGAN-GP's per-example penalty). Unlike MuseGAN there is no
separate temporal generator of bar latents: one passage of four bars is one sample.

With voices = True (preset chorales; chorales-threshold keeps MuseGAN's threshold) the generator says what a
chorale is: each voice sings one pitch or rests at each step. Its last layer's values are logits over the
pitch axis, a softmax per (voice, step) gives each pitch's probability, and the lowest slot (MIDI 28, E1,
never sung in the chorales: fit_to_data checks) stands for silence and is drawn as no note. The critic sees the probabilities (2p - 1) while
training, as the WGAN-GP text model of Gulrajani et al. 2017 sees a softmax beside one-hot real text; in
eval mode the generator draws the likeliest slot, so a voice never sings two pitches at once.

With pitch_bias = True the voices' logits get a learned bias per (voice, pitch), the same at every step. The
transposed convolutions are equivariant along the pitch axis: apart from the dense 4 x 4 map they start from,
a pitch knows where it is only through its offset in blocks of 2, 4, 8 and 16 slots, which does not line up
with the octave's 12. The shipped voices model drew each voice's pitch classes far from Bach's (its soprano
on D for 31 % of its sounding steps against 16 %, on G for 2 % against 13 %) while the mix of the four came
out near; the bias lets each voice's range and favourite degrees be learned directly (MuseGAN shapes its
pitch axis with kernels an octave wide for the same reason).

With critic_pitch_classes = True the critic reads, beside the four voices, 12 fixed channels that mark each
pitch row's pitch class (+1 on the rows of that class, -1 elsewhere, the same at every step): told where C,
D, ... lie, it can tell a voice that dwells on the wrong degrees, which its convolutions (equivariant along
the pitch axis like the generator's) could only guess from intervals.

With num_classes = 2 the passages are conditioned on the mode (major / minor: the chorale data's labels):
the dcgan networks' label embedding concatenated to z, and the critic's projection of it (Miyato & Koyama
2018): preset chorales-modes, on the threshold output. Unconditioned, the threshold generator drew minor-key
passages for 18 % of its samples where 42 % of the training windows are minor; conditioned, more of them read
as minor, but one run measured worse on the other measures. The voices generator, unconditioned, drew 48 %
(docs/music.md).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import torch
from torch import nn

from ganforge.data.chorales import LOWEST, PITCHES, STEPS_PER_BAR, TRACKS
from ganforge.errors import GanforgeError
from ganforge.models import dcgan
from ganforge.models.family import Family


@dataclass(frozen=True)
class MuseGANConfig:
    """Networks of the musegan family: passages of (tracks, bars * 16, PITCHES); bars * 16 must equal PITCHES
    (the networks work on a square)."""

    latent_dim: int = 128
    tracks: int = len(TRACKS)
    bars: int = 4
    generator_channels: tuple[int, ...] = (256, 128, 64, 32)
    discriminator_channels: tuple[int, ...] = (32, 64, 128, 256)
    num_classes: int = 0  # 0: unconditional; 2: conditioned on the mode (set from the data's classes)
    voices: bool = False  # one pitch or a rest per voice and step: a softmax over pitches (module doc)
    pitch_bias: bool = False  # voices: a learned logit per (voice, pitch) added to the last layer's (module doc)
    critic_pitch_classes: bool = False  # the critic also reads 12 fixed channels: each pitch row's class (module doc)
    auxiliary_classifier: bool = False  # what the GAN step reads; the musegan family has no class head

    def __post_init__(self):
        if self.bars * STEPS_PER_BAR != PITCHES:
            raise ValueError(f"bars * {STEPS_PER_BAR} must be {PITCHES} (the networks work on a square)")
        if 4 * 2 ** len(self.generator_channels) != PITCHES or len(self.discriminator_channels) != len(
                self.generator_channels):
            raise ValueError(f"generator_channels and discriminator_channels need 4 entries each: a 4 x 4 map "
                             f"doubled four times to {PITCHES}")
        if self.pitch_bias and not self.voices:
            raise ValueError("pitch_bias adds to the voices' logits: it needs voices = true")
        if self.num_classes < 0 or self.auxiliary_classifier:
            raise ValueError("num_classes must be >= 0 (0: unconditional), and the musegan family has no class head")

    @property
    def steps(self) -> int:
        """Time steps (sixteenth notes) of a passage."""
        return self.bars * STEPS_PER_BAR

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """(tracks, steps, pitches) of a passage."""
        return self.tracks, self.steps, PITCHES

    def as_dcgan(self) -> dcgan.DCGANConfig:
        """The dcgan networks' config that draws these passages."""
        return dcgan.DCGANConfig(image_channels=self.tracks, latent_dim=self.latent_dim, base_size=4,
                                 generator_channels=self.generator_channels,
                                 discriminator_channels=self.discriminator_channels, discriminator_norm="none",
                                 num_classes=self.num_classes)


REST = 0  # voices: the pitch slot that stands for silence (MIDI LOWEST, below every chorale's range)


class VoiceGenerator(dcgan.Generator):
    """dcgan's generator whose last layer gives logits over the pitch axis (no tanh): one pitch or a rest per
    voice and step (module doc). Training: 2p - 1 with the rest slot at -1 (a rest shows as a silent step,
    as in the data); eval mode: the likeliest slot as a one-hot in {-1, 1}."""

    def __init__(self, config: dcgan.DCGANConfig, pitch_bias: bool = False):
        super().__init__(config)
        self.convs[-1] = nn.Identity()  # the tanh: the values are logits
        # one logit per (voice, pitch), the same at every step (module doc); None: the convolutions' alone
        self.pitch_bias = nn.Parameter(torch.zeros(config.image_channels, 1, config.image_size)) if pitch_bias \
            else None

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Passages (B, tracks, steps, pitches) in [-1, 1]."""
        logits = super().forward(z, labels)
        if self.pitch_bias is not None:
            logits = logits + self.pitch_bias
        if self.training:
            chances = torch.softmax(logits.float(), dim=-1).to(logits.dtype)
        else:
            chances = torch.nn.functional.one_hot(logits.argmax(-1), logits.shape[-1]).to(logits.dtype)
        silent = torch.zeros_like(chances[..., :1])
        return torch.cat([silent, chances[..., REST + 1 :]], -1) * 2 - 1


class PitchClassCritic(dcgan.Discriminator):
    """dcgan's critic reading the passage and 12 fixed pitch-class channels (module doc)."""

    def __init__(self, config: dcgan.DCGANConfig):
        super().__init__(dataclasses.replace(config, image_channels=config.image_channels + 12))
        classes = (LOWEST + torch.arange(config.image_size)) % 12
        marks = torch.nn.functional.one_hot(classes, 12).T.float() * 2 - 1  # (12, pitches) in {-1, 1}
        self.register_buffer("pitch_classes", marks[:, None, :], persistent=False)  # (12, 1, pitches)

    def forward(self, images: torch.Tensor, labels: torch.Tensor | None = None, *,
                with_classes: bool = False) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """The critic's scores of passages (B, tracks, steps, pitches)."""
        marks = self.pitch_classes.to(images.dtype).expand(images.shape[0], -1, images.shape[2], -1)
        return super().forward(torch.cat([images, marks], 1), labels, with_classes=with_classes)


def build(config: MuseGANConfig) -> dict[str, nn.Module]:
    """The family's networks by role."""
    generator = VoiceGenerator(config.as_dcgan(), config.pitch_bias) if config.voices else \
        dcgan.Generator(config.as_dcgan())
    critic = PitchClassCritic if config.critic_pitch_classes else dcgan.Discriminator
    return {"generator": generator, "discriminator": critic(config.as_dcgan())}


def fit_to_data(config: MuseGANConfig, data, name: str) -> MuseGANConfig:
    """Passages must have the data's shape."""
    if getattr(data, "representation", None) != "pianoroll":
        raise GanforgeError(f"{name} learns from piano rolls; give --data chorales (Bach chorales from music21) or a "
                            "folder of four-part scores")
    if tuple(data.image_shape) != config.image_shape:
        raise GanforgeError(f"{name} draws passages of {config.image_shape} but the data holds {data.image_shape}")
    if config.voices and (data.rolls[..., REST].any() or (data.rolls.sum(-1) > 1).any()):
        raise GanforgeError(f"{name} sings one pitch per voice above MIDI {LOWEST} (voices = true), but "
                            f"{data.name} holds chords within a voice or notes at MIDI {LOWEST}; train the preset "
                            "chorales-threshold (or --set model.voices=false)")
    if config.num_classes and data.num_classes < 2:
        raise GanforgeError(f"{name} is conditioned on the mode but {data.name} has no mode labels; train the "
                            "unconditional preset `chorales`")
    return dataclasses.replace(config, num_classes=data.num_classes if config.num_classes else 0)


def to_notes(passages: torch.Tensor) -> torch.Tensor:
    """(B, tracks, steps, pitches) generator output -> bool rolls: a note where the value is above 0."""
    return passages > 0


def preview(networks: dict[str, nn.Module], real: tuple, rng: torch.Generator) -> tuple[torch.Tensor, int]:
    """The sample grid: 8 passages, each drawn as a piano roll picture (time across, pitch up, the four voices
    in red, green, blue and black)."""
    generator = networks["generator"]
    device = next(generator.parameters()).device
    classes = generator.config.num_classes
    labels = torch.arange(8, device=device) % classes if classes else None  # modes alternate: major, minor, ...
    with torch.no_grad():
        passages = generator(generator.sample_latent(8, generator=rng).to(device), labels).float().cpu()
    return roll_pictures(to_notes(passages)), 4


VOICE_COLOURS = torch.tensor([[1.0, 0.15, 0.15], [0.1, 0.6, 0.1], [0.15, 0.3, 1.0], [0.0, 0.0, 0.0]])


def roll_pictures(notes: torch.Tensor) -> torch.Tensor:
    """bool (B, 4, steps, pitches) -> RGB pictures (B, 3, pitches, steps) in [-1, 1]: white paper, each voice's
    notes in its colour (the lowest voice drawn last), bar lines in grey."""
    count, tracks, steps, pitches = notes.shape
    picture = torch.ones(count, 3, pitches, steps)
    picture[:, :, :, ::STEPS_PER_BAR] = 0.8
    for track in range(tracks):
        mask = notes[:, track].transpose(1, 2).flip(1)[:, None]  # (B, 1, pitches, steps), high pitches on top
        colour = VOICE_COLOURS[track % len(VOICE_COLOURS)].view(1, 3, 1, 1)
        picture = torch.where(mask, colour, picture)
    return picture * 2 - 1

# what this module registers in ganforge.models.FAMILIES
DECLARED_FAMILIES = (
    Family("musegan", MuseGANConfig, build, fit_to_data, task="compose", data_kind="music", preview=preview,
           num_classes=lambda config: config.num_classes),
)
