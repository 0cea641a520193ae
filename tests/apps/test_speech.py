"""Speech: a tiny SpecGAN trained on a folder of WAVs says its classes as WAV files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import run_cli, run_main
from scipy.io import wavfile

from ganforge.data.audio import read_wav


def tiny_toml(preset: str) -> str:
    """A speech preset with networks small enough to train two steps in a second."""
    return f"""
preset = "{preset}"
[model]
generator_channels = [8, 8, 8, 8, 8]
discriminator_channels = [8, 8, 8, 8, 8]
latent_dim = 8
label_embed_dim = 4
[train]
steps = 2
batch_size = 4
sample_every = 2
checkpoint_every = 2
"""


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory) -> Path:
    """Two classes of tones at 8 kHz (one stereo, one longer than a clip), and a SpecGAN trained on them."""
    root = tmp_path_factory.mktemp("speech")
    rate = 8000
    for label, frequency in (("low", 300), ("high", 1200)):
        (root / "audio" / label).mkdir(parents=True)
        for take in range(3):
            t = np.arange(int(rate * (0.5 + 0.3 * take))) / rate
            wave = (0.4 * np.sin(2 * np.pi * frequency * t) * 32767).astype(np.int16)
            wavfile.write(root / "audio" / label / f"{take}.wav", rate, np.stack([wave, wave], 1) if take == 0 else wave)
    (root / "tiny.toml").write_text(tiny_toml("specgan-digits"))
    result = run_cli("train", str(root / "tiny.toml"), "--data", str(root / "audio"), "--out", str(root / "run"),
                     "--no-progress")
    assert result.returncode == 0, result.stderr
    assert "averaged to mono" in result.stderr and "resampled from 8000 Hz to 16000 Hz" in result.stderr
    return root


@pytest.mark.slow
def test_say_writes_wavs_at_the_models_rate_and_length(tiny_run):
    out = tiny_run / "said"
    result = run_cli("say", "--checkpoint", str(tiny_run / "run"), "--digit", "1", "--num", "2", "--iterations", "4",
                     "--out", str(out))
    assert result.returncode == 0, result.stderr
    files = sorted(out.glob("*.wav"))
    assert [f.name for f in files] == ["1-0-000.wav", "1-0-001.wav"]
    samples, rate, channels = read_wav(files[0])
    assert rate == 16000 and len(samples) == 16384 and channels == 1


@pytest.mark.slow
def test_sample_draws_spectrograms_of_an_audio_model(tiny_run):
    out = tiny_run / "grid.png"
    assert run_cli("sample", "--checkpoint", str(tiny_run / "run"), "--num", "4", "--out", str(out)).returncode == 0
    assert out.stat().st_size > 0


@pytest.mark.slow
def test_say_refuses_bad_input_in_one_line(tiny_run):
    cases = [
        (("--checkpoint", str(tiny_run / "run"), "--digit", "7"), "--digit 7"),
        (("--checkpoint", str(tiny_run / "run"), "--digit", "0", "--speaker", "theo"), "not conditioned on the speaker"),
        (("--model", "mnist-gan", "--digit", "0"), "not sound"),
        (("--checkpoint", str(tiny_run / "run"), "--digit", "x"), "--digit"),
    ]
    for args, words in cases:
        out = tiny_run / "refused"
        result = run_main("say", *args, "--out", str(out))
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert result.returncode == 2 and len(lines) == 1 and words in lines[0], result.stderr
        assert not out.exists()


@pytest.mark.slow
def test_wavegan_trains_on_waveforms_and_says_clips(tiny_run):
    (tiny_run / "wave.toml").write_text(tiny_toml("wavegan-digits"))
    result = run_cli("train", str(tiny_run / "wave.toml"), "--data", str(tiny_run / "audio"), "--out",
                     str(tiny_run / "wave"), "--no-progress")
    assert result.returncode == 0, result.stderr
    assert (tiny_run / "wave" / "samples" / "step-00000002.png").is_file()  # spectrograms of the samples
    out = tiny_run / "wave-said"
    assert run_cli("say", "--checkpoint", str(tiny_run / "wave"), "--digit", "0", "--num", "1", "--out",
                   str(out)).returncode == 0
    samples, rate, _ = read_wav(out / "0-0-000.wav")
    assert rate == 16000 and len(samples) == 16384
    arrays = tiny_run / "waves.npz"
    assert run_cli("sample", "--checkpoint", str(tiny_run / "wave"), "--num", "3", "--out", str(arrays)).returncode == 0
    assert np.load(arrays)["waveforms"].shape == (3, 16384)


def test_wavegan_shapes_and_phase_shuffle():
    import torch

    from ganforge.models.wavegan import Discriminator, Generator, WaveGANConfig, phase_shuffle

    config = WaveGANConfig(num_classes=3, generator_channels=(8, 8, 8, 8, 8), discriminator_channels=(8, 8, 8, 8, 8))
    generator, discriminator = Generator(config), Discriminator(config)
    labels = torch.tensor([0, 2])
    waves = generator(generator.sample_latent(2), labels)
    assert waves.shape == (2, 1, 16384) and float(waves.detach().abs().max()) <= 1
    assert discriminator(waves, labels).shape == (2,)
    x = torch.arange(20.0).view(1, 1, 20).repeat(50, 1, 1)
    shuffled = phase_shuffle(x, 2)
    offsets = {int(row[0, 5] - 5) for row in shuffled}  # an interior sample reveals each example's shift
    assert offsets <= {-2, -1, 0, 1, 2} and len(offsets) > 1


FSDD = Path(__file__).resolve().parents[3] / "shared" / "data" / "fsdd"


@pytest.mark.slow
@pytest.mark.skipif(not FSDD.is_dir(), reason=f"the Free Spoken Digit Dataset is not in {FSDD}")
def test_evaluate_judges_a_speech_model_beside_the_real_test_takes(tmp_path):
    import json

    # the dataset's own layout with takes 0-9 only: its 300 test takes (0-4) whole and 300 training takes, so
    # the judge reads 600 clips instead of 3,000 (a minute of the suite on one core)
    small = tmp_path / "fsdd"
    (small / "recordings").mkdir(parents=True)
    for clip in (FSDD / "recordings").glob("*.wav"):
        if int(clip.stem.rsplit("_", 1)[1]) < 10:
            (small / "recordings" / clip.name).symlink_to(clip)
    (tmp_path / "tiny.toml").write_text(tiny_toml("specgan-digits"))
    assert run_cli("train", str(tmp_path / "tiny.toml"), "--data", str(small), "--out", str(tmp_path / "run"),
                   "--no-progress").returncode == 0
    result = run_cli("evaluate", "--checkpoint", str(tmp_path / "run"), "--num", "20", "--out", str(tmp_path / "e.json"))
    assert result.returncode == 0, result.stderr
    metrics = json.loads((tmp_path / "e.json").read_text())["metrics"]
    real = metrics["real_test"]
    assert real["accuracy"] >= 0.95 and real["inception_score"] > 8  # the judge hears real takes
    assert metrics["accuracy"] < real["accuracy"] and metrics["inception_score"] < real["inception_score"]  # 2 steps
    assert len(metrics["accuracy_per_digit"]) == 10 and 0 <= metrics["memorisation"] <= 1
    # real against real, digits balanced in both halves: small (8.4 here; 535 when one half held digits 0-4)
    assert real["frechet_distance"] < 50 < metrics["frechet_distance"]
