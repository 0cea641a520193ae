"""Bach chorales as piano rolls, from the corpus bundled with the `music21` package (no download):
`--data chorales`; or any folder of four-part scores in 4/4 (MIDI, MusicXML or Humdrum files, read by
music21; a file it cannot read is skipped with a line): `--data path/to/scores`.

Each of the corpus's Bach works with four parts (soprano, alto, tenor, bass) in 4/4 is read once, moved
to C major or A minor (music21's key analysis gives the key; the shift is the smallest, up or down), and
laid on a sixteenth-note grid: a piano roll of 4 tracks x time steps x PITCHES pitches (MIDI LOWEST to
LOWEST + PITCHES - 1), 1 where the voice sounds that pitch. Training examples are windows of BARS bars
(BARS * 16 steps) starting at every bar line (the pickup bar is skipped). The rolls are cached under
$GANFORGE_DATA/cache (the corpus is parsed once, about a minute).

Each window is labelled with its chorale's mode as music21's key analysis names it: MODES[0] "major" (moved
to C major) or MODES[1] "minor" (moved to A minor), so a conditional model can be asked for either; an
unconditional one ignores the labels.

The held-out split is fixed by the work's file name: the first 8 hex digits of the SHA-1 of its stem
(e.g. "bwv10.7"), mod 10, equal to 0 are held out; all windows of a chorale go to the same side. A held
note and the same note repeated look alike in a roll (as in MuseGAN): the MIDI written back joins them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ganforge.data.base import ImageSource
from ganforge.data.download import data_home
from ganforge.errors import GanforgeError

NAME = "chorales"
TRACKS = ("soprano", "alto", "tenor", "bass")
LOWEST = 28  # MIDI E1; the roll covers E1 to G6
PITCHES = 64
STEPS_PER_BAR = 16  # sixteenth notes in a 4/4 bar
BARS = 4
CACHE_VERSION = 2  # 2: each chorale's mode is stored
MODES = ("major", "minor")  # label k of a window is MODES[k]


def is_chorale_spec(spec: str | Path) -> bool:
    """Whether `spec` names the chorales."""
    return str(spec) == NAME


def heldout(stem: str) -> bool:
    """Whether the chorale of this file stem is in the fixed held-out tenth."""
    return int(hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8], 16) % 10 == 0


def _music21():
    try:
        import music21
    except ImportError:
        raise GanforgeError("the chorales come with the music21 package: pip install 'ganforge[music]' (or pip "
                            "install music21)") from None
    return music21


def chorale_roll(score) -> tuple[np.ndarray, list[int], int] | None:
    """A parsed score -> (roll uint8 (4, steps, PITCHES) in C major / A minor, the steps where bars start, its
    mode: the index in MODES), or None when it is not four parts in 4/4."""
    music21 = _music21()
    signatures = score.recurse().getElementsByClass("TimeSignature")
    if len(score.parts) != 4 or not signatures or any(s.ratioString != "4/4" for s in signatures):
        return None
    key = score.analyze("key")
    target = music21.pitch.Pitch("C" if key.mode == "major" else "A")
    shift = (target.pitchClass - key.tonic.pitchClass) % 12
    shift = shift - 12 if shift > 6 else shift
    steps = round(score.highestTime * 4)
    roll = np.zeros((4, steps, PITCHES), np.uint8)
    for track, part in enumerate(score.parts):
        for note in part.flatten().notes:
            start, end = round(note.offset * 4), round((note.offset + note.quarterLength) * 4)
            for pitch in note.pitches:
                index = pitch.midi + shift - LOWEST
                if 0 <= index < PITCHES and end > start:
                    roll[track, start:end, index] = 1
    bars = [round(measure.offset * 4) for measure in score.parts[0].getElementsByClass("Measure")
            if measure.duration.quarterLength == 4]
    return roll, bars, MODES.index("minor" if key.mode == "minor" else "major")


SCORE_SUFFIXES = (".mid", ".midi", ".mxl", ".musicxml", ".xml", ".krn")


def _load_corpus(spec: str = NAME, on_note=None) -> dict[str, tuple[np.ndarray, list[int], int]]:
    """Every usable chorale by file stem: music21's Bach corpus (cached once parsed), or the score files of a
    folder (MIDI, MusicXML, Humdrum), each read by music21; a file it cannot read is skipped with a line."""
    if not is_chorale_spec(spec):
        return _load_folder(Path(spec).expanduser(), on_note)
    cache = data_home() / "cache" / f"chorales-v{CACHE_VERSION}.npz"
    if cache.is_file():
        with np.load(cache, allow_pickle=False) as stored:
            stems = [str(s) for s in stored["stems"]]
            return {stem: (stored[f"roll_{i}"], [int(b) for b in stored[f"bars_{i}"]], int(stored["modes"][i]))
                    for i, stem in enumerate(stems)}
    music21 = _music21()
    paths = sorted(music21.corpus.getComposer("bach"), key=lambda p: Path(p).name)
    if on_note is not None:
        on_note(f"note: reading {len(paths)} Bach works from music21's corpus once (under two minutes); cached in "
                f"{cache}")
    chorales = {}
    for path in paths:
        made = chorale_roll(music21.corpus.parse(path))
        if made is not None:
            chorales[_stem(Path(path))] = made
    cache.parent.mkdir(parents=True, exist_ok=True)
    arrays = {"stems": np.array(list(chorales)), "modes": np.array([mode for _, _, mode in chorales.values()], np.int64)}
    for i, (roll, bars, _) in enumerate(chorales.values()):
        arrays[f"roll_{i}"], arrays[f"bars_{i}"] = roll, np.array(bars, np.int64)
    staging = cache.with_name(cache.name + ".tmp.npz")
    np.savez_compressed(staging, **arrays)
    staging.replace(cache)
    return chorales


def _stem(path: Path) -> str:
    name = path.name
    for suffix in SCORE_SUFFIXES:
        name = name.removesuffix(suffix)
    return name


def _load_folder(folder: Path, on_note=None) -> dict[str, tuple[np.ndarray, list[int], int]]:
    """The four-part 4/4 scores of a folder."""
    if not folder.is_dir():
        raise GanforgeError(f"{folder} is neither `chorales` nor a folder of scores; give --data chorales or a "
                            "folder of MIDI / MusicXML files of four-part pieces in 4/4")
    music21 = _music21()
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in SCORE_SUFFIXES and p.is_file())
    chorales, other = {}, 0
    for path in files:
        try:
            made = chorale_roll(music21.converter.parse(path))
        except Exception as error:  # noqa: BLE001 - music21 raises many kinds on a damaged file; skip it
            if on_note is not None:
                on_note(f"skipped {path.name}: music21 cannot read it as a score ({type(error).__name__})")
            continue
        if made is None:
            other += 1
        else:
            chorales[_stem(path)] = made
    if other and on_note is not None:
        on_note(f"note: {other} of {len(files)} scores in {folder} are not four parts in 4/4 and are left out")
    if not chorales:
        raise GanforgeError(f"no four-part score in 4/4 that music21 can read in {folder} (MIDI, MusicXML or "
                            "Humdrum files); give --data chorales or such a folder")
    return chorales


@dataclass(frozen=True, eq=False)
class ChoraleDataset(ImageSource):
    """Windows of chorales as uint8 rolls (N, 4, BARS * 16, PITCHES); `batch` gives them in {-1, 1} with their
    modes (0 major, 1 minor)."""

    name: str
    rolls: np.ndarray  # uint8 (N, 4, steps, PITCHES)
    stems: tuple[str, ...]  # the chorale each window comes from
    labels: np.ndarray | None = None  # int64 (N,): the index in class_names of each window's mode
    class_names: tuple[str, ...] = MODES
    representation: str = "pianoroll"

    def __len__(self) -> int:
        return len(self.rolls)

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """(tracks, time steps, pitches)."""
        return tuple(self.rolls.shape[1:])

    def batch(self, indices: np.ndarray, rng: np.random.Generator | None = None) -> tuple[torch.Tensor, None]:
        """Rolls (B, 4, steps, PITCHES) float32, 1 where a note sounds and -1 elsewhere, and their modes."""
        indices = np.asarray(indices)
        labels = None if self.labels is None else torch.from_numpy(self.labels[indices])
        return torch.from_numpy(self.rolls[indices]).float() * 2 - 1, labels

    def describe(self) -> dict:
        """What a checkpoint records about its data."""
        return {"name": self.name, "windows": len(self), "chorales": len(set(self.stems)), "tracks": list(TRACKS),
                "lowest_midi": LOWEST, "steps_per_bar": STEPS_PER_BAR, "num_classes": self.num_classes,
                "class_names": list(self.class_names)}


def whole_chorales(split: str = "train", spec: str = NAME, on_note=None) -> dict[str, np.ndarray]:
    """The full rolls (4, steps, PITCHES) of the chorales of one split, by file stem (novelty is measured
    against the training ones)."""
    return {stem: roll for stem, (roll, _, _) in _load_corpus(spec, on_note).items()
            if split == "all" or heldout(stem) == (split == "heldout")}


def load_chorales(split: str = "train", *, spec: str = NAME, bars: int = BARS, on_note=None) -> ChoraleDataset:
    """Windows of `bars` bars from every bar line of the chorales (or a folder's scores) of one split."""
    if split not in ("train", "heldout", "all"):
        raise ValueError(f"unknown split {split!r}")
    length = bars * STEPS_PER_BAR
    windows, stems, modes = [], [], []
    for stem, (roll, bar_starts, mode) in _load_corpus(spec, on_note).items():
        if split != "all" and heldout(stem) != (split == "heldout"):
            continue
        for start in bar_starts:
            window = roll[:, start : start + length]
            if window.shape[1] == length and window.any():
                windows.append(window)
                stems.append(stem)
                modes.append(mode)
    if not windows:
        raise GanforgeError(f"no windows of {bars} whole bars in the {split} split of {spec} (the held-out tenth is "
                            "chosen by a hash of each file name); give more or longer pieces")
    return ChoraleDataset(str(spec), np.stack(windows), tuple(stems), np.array(modes, np.int64))
