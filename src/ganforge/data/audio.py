"""Audio data: labelled WAV clips at one sample rate and length, as the speech families train on.

Files are read with scipy.io.wavfile (a dependency already): 8/16/32-bit integer or float WAV, mono
or several channels (averaged to mono, and said so), resampled to the dataset's rate with a
polyphase filter (scipy.signal.resample_poly; said so), then padded with silence at the end or
cropped to the fixed length (cropping is said, with how many clips). Two layouts:
  FSDD       recordings/{digit}_{speaker}_{take}.wav (the Free Spoken Digit Dataset): label = digit,
             speaker from the name; its own split holds out takes 0-4 of every digit and speaker
  folders    one subfolder of .wav files per class (users' own audio); no held-out part
The defaults are WaveGAN's and SpecGAN's (Donahue et al. 2019): 16 kHz, 16,384 samples (1.02 s), so
FSDD's 8 kHz recordings are upsampled x2 (no new content above 4 kHz).
"""

from __future__ import annotations

import dataclasses
import re
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from math import gcd
from pathlib import Path

import numpy as np
import torch

from ganforge.data.base import ImageSource
from ganforge.errors import GanforgeError
from ganforge.utils.spectrogram import HOP, N_FFT, BinScale, to_spectrogram

SAMPLE_RATE = 16_000
CLIP_LENGTH = 16_384
FSDD_NAME = re.compile(r"^(\d)_([A-Za-z]+)_(\d+)\.wav$")
FSDD_TEST_TAKES = range(5)  # the dataset's convention: takes 0-4 of every digit and speaker are the test set
MAX_SECONDS = 60.0  # a longer file is refused before it is decoded in full (a clip, not a recording session)


def read_wav(path: str | Path) -> tuple[np.ndarray, int, int]:
    """(float32 samples in [-1, 1] averaged to mono, sample rate, channels in the file); a one-line
    error for anything that is not a readable WAV."""
    from scipy.io import wavfile  # here, not at the top: scipy.io costs every command's start a quarter second

    path = Path(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", wavfile.WavFileWarning)  # unknown chunks (metadata) are harmless
            rate, data = wavfile.read(path, mmap=True)
    except (ValueError, OSError, EOFError, IndexError) as error:
        raise GanforgeError(f"{path} is not a readable WAV file ({error}); give 8/16/32-bit PCM or float WAV") from None
    if len(data) == 0:
        raise GanforgeError(f"{path} holds no samples (0 frames); remove it or record it again")
    if len(data) > MAX_SECONDS * rate:
        raise GanforgeError(f"{path} lasts {len(data) / rate:.0f} s; ganforge takes clips of up to {MAX_SECONDS:.0f} s")
    if data.dtype == np.uint8:
        samples = (data.astype(np.float32) - 128) / 128
    elif np.issubdtype(data.dtype, np.integer):
        samples = data.astype(np.float32) / float(np.iinfo(data.dtype).max + 1)
    else:
        samples = np.asarray(data, dtype=np.float32)
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    if samples.ndim == 2:
        samples = samples.mean(axis=1)
    if not np.isfinite(samples).all():
        raise GanforgeError(f"{path} holds samples that are not finite numbers; re-export it as PCM WAV")
    return np.clip(samples, -1, 1), int(rate), channels


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Samples at `rate` -> at `target` (polyphase, anti-aliased)."""
    if rate == target:
        return samples
    from scipy.signal import resample_poly  # here, not at the top: scipy.signal costs a second and a half to import

    common = gcd(rate, target)
    return resample_poly(samples, target // common, rate // common).astype(np.float32)


def fit_length(samples: np.ndarray, length: int) -> tuple[np.ndarray, bool]:
    """(the clip padded with silence at the end or cropped to `length`, whether it was cropped)."""
    if len(samples) >= length:
        return samples[:length], len(samples) > length
    return np.pad(samples, (0, length - len(samples))), False


def write_wav(path: str | Path, samples: np.ndarray, rate: int) -> None:
    """16-bit PCM mono WAV."""
    from scipy.io import wavfile  # (read_wav says why here)

    pcm = np.round(np.clip(samples, -1, 1) * 32767).astype(np.int16)
    wavfile.write(path, rate, pcm)


REPRESENTATIONS = ("wave", "spectrogram")


@dataclass(frozen=True, eq=False)
class AudioDataset(ImageSource):
    """Clips as float32 (N, L) at one rate. `batch` gives what the networks learn from: waveforms
    (B, 1, L) in [-1, 1] ("wave", WaveGAN), or log-magnitude spectrogram images (B, 1, 128, L/128)
    ("spectrogram", SpecGAN: utils.spectrogram), made batch by batch."""

    name: str
    waveforms: np.ndarray  # float32 (N, L)
    sample_rate: int
    labels: np.ndarray | None = None  # int64 (N,)
    class_names: tuple[str, ...] = field(default_factory=tuple)
    speakers: np.ndarray | None = None  # int64 (N,), index into speaker_names
    speaker_names: tuple[str, ...] = field(default_factory=tuple)
    representation: str = "wave"
    bin_scale: BinScale | None = None  # spectrograms scaled per frequency bin (SpecGAN's normalisation); None: fixed dB

    def __post_init__(self):
        if self.representation not in REPRESENTATIONS:
            raise ValueError(f"representation must be one of {REPRESENTATIONS}, not {self.representation!r}")

    def __len__(self) -> int:
        return len(self.waveforms)

    @property
    def clip_length(self) -> int:
        """Samples per clip."""
        return self.waveforms.shape[1]

    @property
    def image_shape(self) -> tuple[int, ...]:
        """What the networks see of a clip: (1, samples), or (1, frequencies, frames) for spectrograms."""
        if self.representation == "spectrogram":
            return 1, N_FFT // 2, self.clip_length // HOP
        return 1, self.clip_length

    def batch(self, indices: np.ndarray, rng: np.random.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Waveforms (B, 1, L) or spectrograms (B, 1, F, T), and labels (B,) or None."""
        indices = np.asarray(indices)
        labels = None if self.labels is None else torch.from_numpy(self.labels[indices])
        waves = torch.from_numpy(self.waveforms[indices])[:, None]
        return (to_spectrogram(waves, self.bin_scale) if self.representation == "spectrogram" else waves), labels

    def as_representation(self, representation: str) -> AudioDataset:
        """The same clips, given to the networks as `representation`."""
        return dataclasses.replace(self, representation=representation)

    def measure_bin_scale(self) -> BinScale:
        """The per-frequency-bin decibel statistics of these clips (SpecGAN's normalisation)."""
        return BinScale.measure(torch.from_numpy(self.waveforms))

    def with_bin_scale(self, scale: BinScale | None) -> AudioDataset:
        """The same clips, their spectrograms scaled per frequency bin by `scale` (None: fixed dB)."""
        return dataclasses.replace(self, bin_scale=scale)

    def describe(self) -> dict:
        """A JSON-ready summary recorded in checkpoints (what `say` needs to make audio again)."""
        audio = {"sample_rate": self.sample_rate, "clip_length": self.clip_length,
                 "representation": self.representation, "speakers": list(self.speaker_names)}
        if self.bin_scale is not None:
            audio["bin_mean_db"], audio["bin_std_db"] = list(self.bin_scale.mean), list(self.bin_scale.std)
        return {"name": self.name, "num_images": len(self), "image_shape": list(self.image_shape),
                "num_classes": self.num_classes, "class_names": list(self.class_names), "audio": audio}

    def subset(self, indices: np.ndarray, name: str | None = None) -> AudioDataset:
        """The clips of the given rows."""
        pick = (lambda a: None if a is None else a[indices])
        return AudioDataset(name or self.name, self.waveforms[indices], self.sample_rate, pick(self.labels),
                            self.class_names, pick(self.speakers), self.speaker_names, self.representation,
                            self.bin_scale)


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def load_clips(files: list[Path], *, rate: int, length: int, on_note: Callable[[str], None] = _say) -> np.ndarray:
    """float32 (N, length) clips of the files, converted as the module doc says; one note per kind of
    conversion, with counts."""
    clips, stereo, resampled, cropped = [], 0, set(), 0
    for path in files:
        samples, file_rate, channels = read_wav(path)
        stereo += channels > 1
        if file_rate != rate:
            resampled.add(file_rate)
            samples = resample(samples, file_rate, rate)
        samples, was_cropped = fit_length(samples, length)
        cropped += was_cropped
        clips.append(samples)
    if stereo:
        on_note(f"note: {stereo} file(s) had several channels, averaged to mono")
    if resampled:
        on_note(f"note: resampled from {', '.join(f'{r} Hz' for r in sorted(resampled))} to {rate} Hz")
    if cropped:
        on_note(f"note: {cropped} clip(s) longer than {length / rate:.2f} s were cropped to it (their ends lost)")
    return np.stack(clips).astype(np.float32)


def is_fsdd(folder: Path) -> bool:
    """Whether `folder` has the Free Spoken Digit Dataset's layout."""
    recordings = folder / "recordings"
    return recordings.is_dir() and any(FSDD_NAME.match(p.name) for p in recordings.iterdir())


def load_fsdd(folder: str | Path, split: str = "train", *, rate: int = SAMPLE_RATE, length: int = CLIP_LENGTH,
              on_note: Callable[[str], None] = _say) -> AudioDataset:
    """FSDD's recordings of `split`: train (takes 5-49), heldout (takes 0-4) or all."""
    folder = Path(folder)
    entries = []
    for path in sorted((folder / "recordings").iterdir()):
        match = FSDD_NAME.match(path.name)
        if match:
            digit, speaker, take = int(match[1]), match[2], int(match[3])
            held_out = take in FSDD_TEST_TAKES
            if split == "all" or held_out == (split == "heldout"):
                entries.append((path, digit, speaker))
    if not entries:
        raise GanforgeError(f"no recordings of the {split} split in {folder / 'recordings'}")
    speaker_names = tuple(sorted({speaker for _, _, speaker in entries}))
    waveforms = load_clips([path for path, _, _ in entries], rate=rate, length=length, on_note=on_note)
    return AudioDataset(f"fsdd ({split})", waveforms, rate, np.array([d for _, d, _ in entries], np.int64),
                        tuple(str(d) for d in range(10)),
                        np.array([speaker_names.index(s) for _, _, s in entries], np.int64), speaker_names)


def load_audio_folder(folder: str | Path, *, rate: int = SAMPLE_RATE, length: int = CLIP_LENGTH,
                      on_note: Callable[[str], None] = _say) -> AudioDataset:
    """One subfolder of .wav files per class."""
    folder = Path(folder)
    if not folder.is_dir():
        raise GanforgeError(f"audio folder {folder} does not exist; pass a folder with one subfolder of .wav per class")
    classes = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    files = [(path, label) for label, d in enumerate(classes) for path in sorted(d.glob("*.wav"))]
    if not files:
        raise GanforgeError(f"no .wav files in class subfolders of {folder}; put each class's clips in a subfolder")
    waveforms = load_clips([path for path, _ in files], rate=rate, length=length, on_note=on_note)
    return AudioDataset(str(folder), waveforms, rate, np.array([label for _, label in files], np.int64),
                        tuple(d.name for d in classes))


def is_audio(spec: str | Path) -> bool:
    """Whether `spec` names audio: FSDD's layout, or class subfolders holding .wav files."""
    folder = Path(spec).expanduser()
    if not folder.is_dir():
        return False
    return is_fsdd(folder) or any(next(d.glob("*.wav"), None) for d in folder.iterdir() if d.is_dir())


def bin_scale_of(audio: dict) -> BinScale | None:
    """The per-bin scale a checkpoint's audio record holds (AudioDataset.describe), or None."""
    if "bin_mean_db" not in audio:
        return None
    return BinScale.from_lists(audio["bin_mean_db"], audio["bin_std_db"])


def load_audio(spec: str | Path, split: str = "train", **kwargs) -> AudioDataset:
    """FSDD (its split) or a folder of class subfolders (all of it, whatever the split)."""
    folder = Path(spec).expanduser()
    if is_fsdd(folder):
        return load_fsdd(folder, split, **kwargs)
    return load_audio_folder(folder, **kwargs)
