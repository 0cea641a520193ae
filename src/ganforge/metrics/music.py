"""Measures of multi-track piano rolls (bool (N, tracks, steps, pitches), 16 steps a bar), after MuseGAN
(Dong et al. 2018, section 5.1) and the issue's list, each averaged over passages (and voices where a voice
has its own value):

- empty_bars: the share of (voice, bar) pairs without a note;
- pitch_classes_per_bar: pitch classes used per non-empty (voice, bar);
- qualified_notes: the share of notes at least QUALIFIED_STEPS long. MuseGAN counts notes of at least
  three of its 96-per-bar steps (a 32nd note); on a sixteenth-note grid every note is at least that long,
  so this is 1 by construction here, and reported as such;
- in_key: the share of sounding (voice, step, pitch) cells whose pitch class is in C major (the chorales are
  moved to C major or A minor, which share it);
- polyphony: the mean number of pitches sounding together, over steps where any sounds;
- pitch_class_distance: the L1 distance between the pitch-class histograms (of sounding cells) of the
  passages and of a reference set, in [0, 2];
- voice_pitch_class_distance: the same distance voice by voice (each voice's histogram against the same
  voice's in the reference), averaged over voices: not MuseGAN's, stricter, since four voices that each
  dwell on wrong degrees can still mix into a near histogram;
- minor_share: the share of passages that read as A minor rather than C major: their pitch-class histogram
  (of sounding cells) correlates better with Krumhansl and Kessler's A minor key profile than with their
  C major one (the Krumhansl-Schmuckler key finding, between the two keys the chorales are moved to);
- copied_bars: the longest run, in bars (a bar is 16 steps), that a passage shares step for step with some
  training chorale (all four voices equal at every step), from the longest_copied_run helper.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from ganforge.data.chorales import STEPS_PER_BAR

QUALIFIED_STEPS = 1  # a sixteenth: the grid's own step is longer than MuseGAN's 32nd-note threshold
C_MAJOR = np.array([1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1], bool)  # C D E F G A B


# Krumhansl & Kessler (1982) probe-tone ratings, tonic first: how well each pitch class fits a major / minor key
MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
A = 9  # the pitch class of A (C is 0)


def reads_minor(rolls: np.ndarray, lowest: int) -> np.ndarray:
    """Per passage of bool rolls (N, tracks, steps, pitches): True where its pitch-class histogram correlates
    better with the A minor profile than with the C major one (False for a silent passage)."""
    counts = np.asarray(rolls, bool).sum(axis=(1, 2)).astype(np.float64)  # (N, pitches)
    classes = np.zeros((len(counts), 12))
    np.add.at(classes.T, (lowest + np.arange(counts.shape[1])) % 12, counts.T)
    a_minor, c_major = np.roll(MINOR_PROFILE, A), MAJOR_PROFILE

    def correlation(profile: np.ndarray) -> np.ndarray:
        centred = classes - classes.mean(axis=1, keepdims=True)
        reference = profile - profile.mean()
        norms = np.linalg.norm(centred, axis=1) * np.linalg.norm(reference)
        return np.divide(centred @ reference, norms, out=np.zeros(len(classes)), where=norms > 0)

    return correlation(a_minor) > correlation(c_major)


def _bars(rolls: np.ndarray) -> np.ndarray:
    """(N, tracks, steps, pitches) -> (N, tracks, bars, 16, pitches)."""
    count, tracks, steps, pitches = rolls.shape
    return rolls.reshape(count, tracks, steps // STEPS_PER_BAR, STEPS_PER_BAR, pitches)


def pitch_class_histogram(rolls: np.ndarray, lowest: int) -> np.ndarray:
    """The share of sounding cells in each of the 12 pitch classes (C first)."""
    per_pitch = rolls.sum(axis=(0, 1, 2)).astype(np.float64)
    classes = np.zeros(12)
    np.add.at(classes, (lowest + np.arange(rolls.shape[3])) % 12, per_pitch)
    return classes / max(classes.sum(), 1)


def note_lengths(rolls: np.ndarray) -> np.ndarray:
    """The length in steps of every note (a run of steps of one voice on one pitch)."""
    padded = np.pad(rolls.astype(np.int8), ((0, 0), (0, 0), (1, 1), (0, 0)))
    changes = np.diff(padded, axis=2)
    starts, ends = np.nonzero(changes.transpose(0, 1, 3, 2) == 1), np.nonzero(changes.transpose(0, 1, 3, 2) == -1)
    return ends[3] - starts[3]


def roll_metrics(rolls: np.ndarray, *, lowest: int, reference: np.ndarray) -> dict[str, float]:
    """The measures of the module doc (all but copied_bars) of bool rolls against reference rolls."""
    rolls = np.asarray(rolls, bool)
    bars = _bars(rolls)
    sounding = bars.any(axis=3)  # (N, tracks, bars, pitches)
    used = sounding.any(axis=3)  # (N, tracks, bars)
    classes = np.zeros(sounding.shape[:3] + (12,), bool)
    for pitch in range(rolls.shape[3]):
        classes[..., (lowest + pitch) % 12] |= sounding[..., pitch]
    lengths = note_lengths(rolls)
    in_key = C_MAJOR[(lowest + np.arange(rolls.shape[3])) % 12]
    cells = rolls.sum()
    together = rolls.sum(axis=(1, 3))  # (N, steps): pitches sounding at each step
    return {
        "empty_bars": float(1 - used.mean()),
        "pitch_classes_per_bar": float(classes.sum(axis=3)[used].mean()) if used.any() else 0.0,
        "qualified_notes": float((lengths >= QUALIFIED_STEPS).mean()) if len(lengths) else 0.0,
        "in_key": float(rolls[..., in_key].sum() / cells) if cells else 0.0,
        "polyphony": float(together[together > 0].mean()) if (together > 0).any() else 0.0,
        "pitch_class_distance": float(np.abs(pitch_class_histogram(rolls, lowest)
                                             - pitch_class_histogram(np.asarray(reference, bool), lowest)).sum()),
        "voice_pitch_class_distance": float(np.mean([np.abs(
            pitch_class_histogram(rolls[:, [voice]], lowest)
            - pitch_class_histogram(np.asarray(reference, bool)[:, [voice]], lowest)).sum()
            for voice in range(rolls.shape[1])])),
        "notes_per_bar": float(len(lengths) / (rolls.shape[0] * rolls.shape[1] * bars.shape[2])),
        "minor_share": float(reads_minor(rolls, lowest).mean()),
    }


def _step_ids(rolls: list[np.ndarray], ids: dict[bytes, int]) -> list[np.ndarray]:
    """Each (tracks, steps, pitches) roll as one integer per step: equal ids, equal notes in every voice."""
    out = []
    for roll in rolls:
        packed = np.packbits(np.asarray(roll, bool).transpose(1, 0, 2).reshape(roll.shape[1], -1), axis=1)
        out.append(np.array([ids.setdefault(row.tobytes(), len(ids)) for row in packed], np.uint64))
    return out


def longest_copied_run(passages: Iterable[np.ndarray], training: Mapping[str, np.ndarray] | Iterable[np.ndarray]
                       ) -> np.ndarray:
    """For each passage (tracks, steps, pitches), the longest run of consecutive steps equal, step for step in
    every voice, to a run of some training roll. Steps where nothing sounds never count as copied (silence is
    no quotation), so a run stops at them. Windows are compared by a 64-bit polynomial hash of their steps,
    grown one step at a time for every length at once."""
    rolls = list(training.values()) if isinstance(training, Mapping) else list(training)
    passages = list(passages)
    ids: dict[bytes, int] = {}
    silent = ids.setdefault(np.packbits(np.zeros(rolls[0].shape[0] * rolls[0].shape[2], bool)).tobytes(), 0)
    train_ids, passage_ids = _step_ids(rolls, ids), _step_ids(passages, ids)
    base = np.uint64(1_000_003)
    train_hash = [np.zeros(len(seq) + 1, np.uint64) for seq in train_ids]  # length-0 windows
    passage_hash = [np.zeros(len(seq) + 1, np.uint64) for seq in passage_ids]
    passage_silent = [np.zeros(len(seq) + 1, bool) for seq in passage_ids]
    best = np.zeros(len(passages), np.int64)
    alive = np.ones(len(passages), bool)
    with np.errstate(over="ignore"):  # the hashes wrap around 2**64 on purpose
        for length in range(1, max(map(len, passage_ids), default=0) + 1):
            train_hash = [h[:-1] * base + seq[length - 1 :] + np.uint64(1) for h, seq in zip(train_hash, train_ids)
                          if len(seq) >= length]
            if not train_hash:
                break
            known = np.unique(np.concatenate(train_hash))
            for index in np.flatnonzero(alive):
                seq = passage_ids[index]
                if len(seq) < length:
                    alive[index] = False
                    continue
                passage_hash[index] = passage_hash[index][:-1] * base + seq[length - 1 :] + np.uint64(1)
                passage_silent[index] = passage_silent[index][:-1] | (seq[length - 1 :] == silent)
                hits = np.isin(passage_hash[index], known) & ~passage_silent[index]
                if hits.any():
                    best[index] = length
                else:
                    alive[index] = False
            if not alive.any():
                break
    return best
