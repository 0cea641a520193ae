"""The spoken-digit judge on real recordings, and through the spectrogram round trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from ganforge.data.audio import load_audio
from ganforge.metrics.speech import SpeechClassifier, inception_score, load_speech_classifier, predict_proba
from ganforge.models.pretrained import WEIGHTS_DIR
from ganforge.utils.spectrogram import to_spectrogram, to_waveform

FSDD = Path(__file__).resolve().parents[3] / "shared" / "data" / "fsdd"
needs_fsdd = pytest.mark.skipif(not FSDD.is_dir(), reason=f"the Free Spoken Digit Dataset is not in {FSDD} "
                                "(../shared/data beside the project)")


def test_the_judge_takes_waveforms_or_spectrograms_alike():
    judge = SpeechClassifier().eval()
    waves = torch.randn(3, 1, 16384) * 0.1
    with torch.no_grad():
        assert torch.allclose(judge(waves), judge(to_spectrogram(waves)))
    assert judge.embed(waves).shape == (3, 128)


def test_inception_score_rewards_confident_and_varied_answers():
    confident_varied = torch.eye(10).repeat(10, 1)
    confident_same = torch.zeros(100, 10)
    confident_same[:, 3] = 1
    assert inception_score(confident_varied) == pytest.approx(10, rel=1e-6)
    assert inception_score(confident_same) == pytest.approx(1, rel=1e-6)
    assert inception_score(torch.full((100, 10), 0.1)) == pytest.approx(1, rel=1e-6)


@needs_fsdd
@pytest.mark.slow
def test_the_shipped_judge_hears_real_held_out_takes_even_through_griffin_lim():
    judge = load_speech_classifier(WEIGHTS_DIR / "speech-classifier")
    heldout = load_audio(FSDD, "heldout", on_note=lambda _: None)
    picks = np.arange(0, len(heldout), 3)  # 100 recordings, every digit and speaker
    waves, labels = heldout.batch(picks)
    assert float((predict_proba(judge, waves).argmax(1) == labels).double().mean()) >= 0.95
    rebuilt = to_waveform(to_spectrogram(waves))  # magnitude kept, phase estimated by Griffin-Lim
    assert float((predict_proba(judge, rebuilt).argmax(1) == labels).double().mean()) >= 0.9
    # the same through SpecGAN's per-bin scaling, measured on the training takes (3-std clipping loses little)
    scale = load_audio(FSDD, "train", on_note=lambda _: None).measure_bin_scale()
    rebuilt = to_waveform(to_spectrogram(waves, scale), scale=scale)
    assert float((predict_proba(judge, rebuilt).argmax(1) == labels).double().mean()) >= 0.9
