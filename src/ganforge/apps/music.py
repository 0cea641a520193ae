"""Composing with a music model (`ganforge compose`): a shipped model or a checkpoint of the musegan family
(`ganforge train chorales`). Each passage is written as a MIDI file (four tracks: soprano, alto, tenor,
bass; through music21) and rendered to a WAV file by a small additive synthesiser in numpy (a few
harmonics under an attack-decay envelope per note; no soundfont is needed), plus the piano-roll picture.

A note is a run of consecutive sixteenth steps where a voice sounds the same pitch (a held note and the same
note repeated look alike in a roll).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ganforge.apps.generate import class_labels, load_model_for, resolve_label
from ganforge.data.audio import write_wav
from ganforge.data.chorales import LOWEST, TRACKS
from ganforge.errors import GanforgeError
from ganforge.models.io import LoadedGenerator
from ganforge.models.musegan import roll_pictures, to_notes
from ganforge.utils.files import atomic_write, ensure_writable_dir
from ganforge.utils.images import save_image, to_uint8

MAX_PASSAGES = 1000  # per command: each is a MIDI, a WAV of about 10 s and a picture
TEMPO = 80  # quarter notes per minute, a chorale's pace
SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class Note:
    """One note of a passage: its voice (0 soprano .. 3 bass), MIDI pitch, start step and length in steps."""

    track: int
    pitch: int
    start: int
    length: int


def load_music_model(*, model: str | None = None, checkpoint: str | Path | None = None,
                     device: str = "cpu") -> LoadedGenerator:
    """The generator of a music model; any other model is refused in one line."""
    return load_model_for("compose", "`ganforge compose` takes a model trained on music (--model chorales, or "
                              "`ganforge train chorales`)", model=model, checkpoint=checkpoint, device=device)


def check_count(num: int) -> None:
    """--num: 1 to MAX_PASSAGES."""
    if not 1 <= num <= MAX_PASSAGES:
        raise GanforgeError(f"--num {num}: ask for 1 to {MAX_PASSAGES} passages")


@torch.no_grad()
def compose(loaded: LoadedGenerator, num: int, *, seed: int = 0, label: int | str | None = None) -> np.ndarray:
    """`num` passages as bool rolls (num, 4, steps, pitches); the same seed, the same music. A model conditioned
    on the mode draws `label` ("major", "minor" or its number) or, without it, the modes in turn."""
    check_count(num)
    generator = loaded.generator
    device = next(generator.parameters()).device
    labels = class_labels(loaded.config.num_classes, num, resolve_label(loaded, label))
    rng = torch.Generator().manual_seed(seed)
    rolls = []
    for start in range(0, num, 64):
        z = generator.sample_latent(min(64, num - start), generator=rng).to(device)
        chunk = None if labels is None else labels[start : start + len(z)].to(device)
        rolls.append(to_notes(generator(z, chunk).float().cpu()))
    return torch.cat(rolls).numpy()


def roll_notes(roll: np.ndarray) -> list[Note]:
    """bool (4, steps, pitches) -> its notes, in order of start."""
    notes = []
    for track in range(roll.shape[0]):
        for index in range(roll.shape[2]):
            line = np.concatenate([[False], roll[track, :, index], [False]]).astype(np.int8)
            changes = np.flatnonzero(np.diff(line))
            notes += [Note(track, LOWEST + index, int(start), int(end - start))
                      for start, end in zip(changes[::2], changes[1::2])]
    return sorted(notes, key=lambda note: (note.start, note.track, note.pitch))


def write_midi(roll: np.ndarray, path: Path) -> Path:
    """A four-track MIDI file of the passage (music21 writes it), atomically."""
    try:
        from music21 import meter, note, stream, tempo
    except ImportError:
        raise GanforgeError("writing MIDI needs music21: pip install 'ganforge[music]'") from None
    score = stream.Score()
    parts = []
    for name in TRACKS:
        part = stream.Part()
        part.partName = name
        part.insert(0, meter.TimeSignature("4/4"))
        parts.append(part)
    parts[0].insert(0, tempo.MetronomeMark(number=TEMPO))
    for played in roll_notes(roll):
        parts[played.track].insert(played.start / 4, note.Note(played.pitch, quarterLength=played.length / 4))
    for part in parts:
        score.insert(0, part)

    def write(tmp: Path) -> None:
        score.write("midi", fp=str(tmp))

    return atomic_write(path, write)


def synthesise(roll: np.ndarray, rate: int = SAMPLE_RATE) -> np.ndarray:
    """The passage as float32 mono samples in [-1, 1]: each note a few harmonics under an attack-decay
    envelope, at TEMPO."""
    step_seconds = 60 / TEMPO / 4
    total = int(np.ceil((roll.shape[1] + 2) * step_seconds * rate))
    out = np.zeros(total, np.float64)
    for played in roll_notes(roll):
        start, length = int(played.start * step_seconds * rate), int(played.length * step_seconds * rate)
        t = np.arange(length + int(0.05 * rate)) / rate
        frequency = 440.0 * 2 ** ((played.pitch - 69) / 12)
        tone = sum(np.sin(2 * np.pi * frequency * k * t) / k**1.5 for k in (1, 2, 3))
        envelope = np.minimum(t / 0.01, 1) * np.exp(-2.5 * t) * np.where(t < length / rate, 1.0,
                                                                        np.exp(-(t - length / rate) / 0.02))
        end = min(start + len(t), total)
        out[start:end] += (tone * envelope)[: end - start]
    peak = np.abs(out).max()
    return (out / peak * 0.8 if peak > 0 else out).astype(np.float32)


def save_passages(rolls: np.ndarray, out: str | Path, *, prefix: str = "passage") -> list[Path]:
    """PREFIX-NNN.mid, .wav and .png per passage in `out`; returns the MIDI files."""
    folder = ensure_writable_dir(out)
    written = []
    for index, roll in enumerate(rolls):
        stem = folder / f"{prefix}-{index:03d}"
        written.append(write_midi(roll, stem.with_suffix(".mid")))
        write_wav(stem.with_suffix(".wav"), synthesise(roll), SAMPLE_RATE)
        save_image(to_uint8(roll_pictures(torch.from_numpy(roll[None])))[0], stem.with_suffix(".png"), 4)
    return written


def output_names(num: int, prefix: str = "passage") -> list[str]:
    """The files save_passages writes for `num` passages."""
    return [f"{prefix}-{index:03d}{suffix}" for index in range(num) for suffix in (".mid", ".wav", ".png")]


__all__ = ["Note", "check_count", "compose", "load_music_model", "output_names", "roll_notes",
           "save_passages", "synthesise", "write_midi"]
