"""Audio clips: WAV reading and conversion, FSDD's split, and the spectrogram round trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from scipy.io import wavfile

from ganforge.data.audio import fit_length, load_audio, load_clips, read_wav, write_wav
from ganforge.errors import GanforgeError
from ganforge.utils.spectrogram import BinScale, griffin_lim, to_decibels, to_magnitude, to_spectrogram, to_waveform

FSDD = Path(__file__).resolve().parents[3] / "shared" / "data" / "fsdd"
needs_fsdd = pytest.mark.skipif(not FSDD.is_dir(), reason=f"the Free Spoken Digit Dataset is not in {FSDD} "
                                "(../shared/data beside the project)")


def tone(rate: int, seconds: float, frequency: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (0.5 * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def test_wav_formats_read_as_mono_floats(tmp_path):
    wave = tone(8000, 0.25)
    wavfile.write(tmp_path / "int16.wav", 8000, (wave * 32767).astype(np.int16))
    wavfile.write(tmp_path / "float.wav", 8000, wave)
    wavfile.write(tmp_path / "uint8.wav", 8000, (wave * 127 + 128).astype(np.uint8))
    wavfile.write(tmp_path / "stereo.wav", 8000, np.stack([wave, wave], 1))
    for name in ("int16", "float", "uint8", "stereo"):
        samples, rate, channels = read_wav(tmp_path / f"{name}.wav")
        assert rate == 8000 and samples.dtype == np.float32 and samples.shape == wave.shape
        assert np.abs(samples - wave).max() < 0.02, name  # 8 bits: steps of 1/128
        assert channels == (2 if name == "stereo" else 1)


def test_clips_are_converted_and_the_conversions_said(tmp_path):
    wavfile.write(tmp_path / "long.wav", 44100, np.stack([tone(44100, 2.0)] * 2, 1))
    wavfile.write(tmp_path / "short.wav", 16000, tone(16000, 0.1))
    notes = []
    clips = load_clips([tmp_path / "long.wav", tmp_path / "short.wav"], rate=16000, length=16384, on_note=notes.append)
    assert clips.shape == (2, 16384)
    assert any("averaged to mono" in n for n in notes) and any("44100 Hz" in n for n in notes)
    assert any("1 clip(s) longer" in n for n in notes)
    assert np.all(clips[1, 1600:] == 0)  # the short clip padded with silence
    spectrum = np.abs(np.fft.rfft(clips[0]))
    assert abs(np.argmax(spectrum) * 16000 / 16384 - 440) < 2  # the tone kept its pitch through resampling


def test_not_audio_is_one_line(tmp_path):
    (tmp_path / "x.wav").write_text("not a wav")
    with pytest.raises(GanforgeError, match="not a readable WAV"):
        read_wav(tmp_path / "x.wav")


def test_written_wavs_load_back_at_their_rate_and_length(tmp_path):
    wave = tone(16000, 0.5)
    write_wav(tmp_path / "out.wav", wave, 16000)
    samples, rate, _ = read_wav(tmp_path / "out.wav")
    assert rate == 16000 and len(samples) == len(wave) and np.abs(samples - wave).max() < 1e-3


def test_fit_length_pads_and_crops():
    assert fit_length(np.ones(5, np.float32), 8)[0].tolist() == [1] * 5 + [0] * 3
    cropped, was = fit_length(np.arange(10, dtype=np.float32), 4)
    assert cropped.tolist() == [0, 1, 2, 3] and was


def test_spectrogram_round_trip_converges():
    wave = torch.from_numpy(np.concatenate([tone(16000, 0.5, 300), tone(16000, 0.524, 900)]))[None]
    image = to_spectrogram(wave)
    assert image.shape == (1, 1, 128, 128) and float(image.min()) >= -1 and float(image.max()) <= 1
    magnitude = to_magnitude(image)
    window = torch.hann_window(256)
    convergence = []  # spectral convergence: |S(rebuilt) - S| / |S|; 0 iterations = a random phase
    for iterations in (0, 32):
        rebuilt = griffin_lim(magnitude, wave.shape[-1], iterations=iterations)
        spectrum = torch.stft(rebuilt, 256, 128, window=window, return_complex=True).abs()
        convergence.append(float((spectrum - magnitude).norm() / magnitude.norm()))
    assert convergence[1] < 0.5 * convergence[0] and convergence[1] < 0.2, convergence
    assert to_waveform(image).shape == (1, 1, 16384)


@needs_fsdd
def test_fsdd_split_by_take():
    heldout = load_audio(FSDD, "heldout", on_note=lambda _: None)
    assert len(heldout) == 300 and heldout.waveforms.shape == (300, 16384) and heldout.sample_rate == 16000
    assert np.bincount(heldout.labels).tolist() == [30] * 10
    assert len(heldout.speaker_names) == 6 and np.bincount(heldout.speakers).tolist() == [50] * 6
    waves, labels = heldout.batch(np.arange(4))
    assert waves.shape == (4, 1, 16384) and labels.tolist() == heldout.labels[:4].tolist()


def test_per_bin_scale_standardises_each_frequency_and_inverts():
    rng = np.random.default_rng(0)
    loud = torch.from_numpy(np.stack([tone(16000, 1.024, 300) for _ in range(4)]))
    quiet = torch.from_numpy(rng.normal(0, 1e-3, (4, 16384)).astype(np.float32))  # a quiet hiss at all frequencies
    waves = torch.cat([loud, quiet])[:, None]
    scale = BinScale.measure(waves, batch_size=3)  # batches that do not divide the clips
    decibels = to_decibels(waves)
    assert np.allclose(scale.mean, decibels.double().mean(dim=(0, 2)).numpy(), atol=1e-4)
    assert min(scale.std) >= 1.0  # the floor: no bin divides by ~0
    images = to_spectrogram(waves, scale)
    # each bin centred on its own mean: the quiet bins far from 300 Hz are used, not pinned at -1
    assert abs(float(images.mean(dim=(0, 1, 3))[60])) < 0.5 and float(images[4:, :, 60].mean()) > -0.9
    magnitude = to_magnitude(images, scale)[:, :-1, :-1]
    inside = images.abs() < 1  # unclipped values come back to their decibels
    back = 20 * torch.log10(magnitude)
    assert torch.allclose(back[inside[:, 0]], decibels[inside[:, 0]], atol=1e-2)
    assert BinScale.from_lists(scale.mean, scale.std) == scale
    with pytest.raises(ValueError, match="128"):
        BinScale.from_lists([0.0], [1.0])


@needs_fsdd
def test_per_bin_spectrograms_are_scaled_by_the_training_clips_and_recorded():
    from ganforge.data import load_training_data
    from ganforge.data.audio import bin_scale_of
    from ganforge.data.translation import PreprocessConfig

    per_bin = PreprocessConfig(spectrogram="per-bin")
    train = load_training_data("images", str(FSDD), "train", preprocess=per_bin)
    heldout = load_training_data("images", str(FSDD), "heldout", preprocess=per_bin)
    assert train.bin_scale is not None and heldout.bin_scale == train.bin_scale  # the training clips' statistics
    recorded = train.describe()["audio"]
    assert bin_scale_of(recorded) == train.bin_scale and len(recorded["bin_mean_db"]) == 128
    images, _ = train.batch(np.arange(64))
    # standardised: a real batch spreads around 0 instead of sitting near the -80 dB floor (-0.77 in fixed dB)
    assert abs(float(images.mean())) < 0.3
    assert bin_scale_of(load_training_data("images", str(FSDD), "train").describe()["audio"]) is None
