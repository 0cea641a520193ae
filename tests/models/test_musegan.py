"""The music task (issue 47): Bach chorales from music21's corpus as piano rolls, the musegan family,
`ganforge compose` (MIDI, WAV, picture) and the MuseGAN-style measures, on tiny models and the real corpus."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

pytest.importorskip("music21", reason="the chorales come with music21: pip install 'ganforge[music]'")

import itertools

from ganforge.apps.music import compose, load_music_model, roll_notes, synthesise, write_midi
from ganforge.data.chorales import LOWEST, MODES, chorale_roll, heldout, load_chorales
from ganforge.errors import GanforgeError
from ganforge.metrics.music import longest_copied_run, reads_minor, roll_metrics
from ganforge.training import train
from tests.conftest import run_cli

TINY = """
preset = "chorales-modes"
[model]
generator_channels = [8, 8, 8, 8]
discriminator_channels = [8, 8, 8, 8]
[objective]
critic_steps = 2
[train]
steps = 4
batch_size = 4
sample_every = 0
checkpoint_every = 0
"""


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("musegan")
    (root / "tiny.toml").write_text(TINY)
    train(str(root / "tiny.toml"), out=root / "run", device="cpu", progress=False, seed=0)
    return root / "run"


def test_a_chorale_becomes_a_four_voice_roll_in_c():
    from music21 import corpus

    roll, bars, mode = chorale_roll(corpus.parse("bach/bwv10.7"))
    assert MODES[mode] == "minor"  # G minor, moved to A minor
    assert roll.shape[0] == 4 and roll.shape[2] == 64 and roll.dtype == np.uint8
    assert all(b - a == 16 for a, b in itertools.pairwise(bars))  # a bar line every 16 sixteenths
    # every voice sings, one pitch at a time, soprano above bass
    for track in range(4):
        assert roll[track].sum(axis=1).max() == 1 and roll[track].any()
    high = [np.flatnonzero(roll[t].any(axis=0)).mean() for t in range(4)]
    assert high[0] > high[1] > high[2] > high[3]
    in_key = np.array([1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1], bool)[(LOWEST + np.arange(64)) % 12]
    assert roll[..., in_key].sum() / roll.sum() > 0.85  # moved to C major / A minor


def test_the_split_keeps_each_chorale_on_one_side():
    train_part, held = load_chorales("train"), load_chorales("heldout")
    assert not set(train_part.stems) & set(held.stems)
    assert all(heldout(stem) for stem in held.stems) and not any(heldout(stem) for stem in train_part.stems)
    assert 0.05 < len(set(held.stems)) / len(set(train_part.stems) | set(held.stems)) < 0.15
    batch, labels = train_part.batch(np.arange(3))
    assert batch.shape == (3, 4, 64, 64) and set(batch.unique().tolist()) <= {-1.0, 1.0}
    # every window carries its chorale's mode; both are common (42 % of the training windows are minor)
    assert labels.tolist() == train_part.labels[:3].tolist() and train_part.class_names == MODES
    assert 0.3 < train_part.labels.mean() < 0.6 and train_part.describe()["class_names"] == ["major", "minor"]
    # minor windows lean on A (the tonic of A minor) and G# (its leading tone), major ones on C and G
    minor, major = (train_part.rolls[train_part.labels == k].sum(axis=(0, 1, 2)) for k in (1, 0))
    pitch_class = (LOWEST + np.arange(64)) % 12
    share = [np.bincount(pitch_class, weights=counts, minlength=12) / counts.sum() for counts in (minor, major)]
    assert share[0][9] > share[1][9] and share[0][8] > 3 * share[1][8] and share[1][0] > share[0][0]


def test_compose_writes_midi_wav_and_pictures_that_match(tiny_run, tmp_path):
    from music21 import converter

    result = run_cli("compose", "--checkpoint", str(tiny_run), "--num", "2", "--seed", "1", "--out", str(tmp_path / "s"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == [
        f"passage-00{i}{s}" for i in range(2) for s in (".mid", ".png", ".wav")]
    assert len(converter.parse(tmp_path / "s" / "passage-000.mid").parts) == 4
    # a real chorale window written as MIDI reads back as the same sounding notes in each voice (music21 may
    # split a long note at a bar line into tied halves: compared as rolls)
    window = load_chorales("heldout").rolls[0].astype(bool)
    write_midi(window, tmp_path / "real.mid")
    read = converter.parse(tmp_path / "real.mid")
    back = np.zeros_like(window)
    for track, part in enumerate(read.parts):
        for note in part.flatten().notes:
            start = round(note.offset * 4)
            for pitch in note.pitches:
                back[track, start : start + round(note.quarterLength * 4), pitch.midi - LOWEST] = True
    assert len(read.parts) == 4 and np.array_equal(back, window) and len(roll_notes(window)) > 20
    sound = synthesise(window)
    assert np.abs(sound).max() <= 1 and sound.std() > 0.01
    again = run_cli("compose", "--checkpoint", str(tiny_run), "--num", "2", "--out", str(tmp_path / "s"))
    assert again.returncode == 2 and "--overwrite" in again.stderr
    for args, message in ((["--num", "0"], "ask for 1 to"), (["--num", "5000"], "ask for 1 to")):
        bad = run_cli("compose", "--checkpoint", str(tiny_run), *args, "--out", str(tmp_path / "b"))
        assert bad.returncode == 2 and message in bad.stderr and not (tmp_path / "b").exists()
    other = run_cli("compose", "--model", "mnist-gan", "--out", str(tmp_path / "c"))
    assert other.returncode == 2 and "not a music model" in other.stderr
    sample = run_cli("sample", "--checkpoint", str(tiny_run), "--out", str(tmp_path / "g.png"))
    assert sample.returncode == 2 and "ganforge compose" in sample.stderr


def test_music_measures_on_a_hand_made_passage():
    roll = np.zeros((1, 4, 64, 64), bool)
    c4, e4, f_sharp4 = 60 - LOWEST, 64 - LOWEST, 66 - LOWEST
    roll[0, 0, 0:16, c4] = True  # soprano: C4 for bar 1, then E4 for bar 2
    roll[0, 0, 16:32, e4] = True
    roll[0, 1, 0:8, f_sharp4] = True  # alto: F#4 (out of key) for half a bar
    m = roll_metrics(roll, lowest=LOWEST, reference=roll)
    assert m["empty_bars"] == pytest.approx(1 - 3 / 16)  # 3 of 16 (voice, bar) pairs have a note
    assert m["pitch_classes_per_bar"] == 1 and m["qualified_notes"] == 1
    assert m["in_key"] == pytest.approx(32 / 40) and m["pitch_class_distance"] == 0
    assert m["polyphony"] == pytest.approx(40 / 32)  # 2 pitches for 8 steps, 1 for 24
    # the voices swapped: the mix is the same, each voice's classes are not (soprano C+E vs F#: 2; alto 2;
    # the two silent voices 0), so voice by voice the distance is 1 on average where the mix gives 0
    swapped = roll[:, [1, 0, 2, 3]]
    m = roll_metrics(swapped, lowest=LOWEST, reference=roll)
    assert m["pitch_class_distance"] == 0 and m["voice_pitch_class_distance"] == pytest.approx(1.0)
    # key finding: a C-E-G passage reads major, an A-C-E one with G# minor, silence neither
    triads = np.zeros((3, 4, 64, 64), bool)
    for voice, pitch in enumerate((60, 64, 67)):  # C4 E4 G4
        triads[0, voice, :, pitch - LOWEST] = True
    for voice, pitch in enumerate((57, 60, 64, 56)):  # A3 C4 E4, then G#3
        triads[1, voice, : 48 if voice < 3 else 64, pitch - LOWEST] = True
    assert reads_minor(triads, LOWEST).tolist() == [False, True, False]
    # copying: a passage that is a training roll's steps 16..47 copies 32 steps; silence never counts
    training = np.zeros((4, 100, 64), bool)
    training[0, np.arange(100), (np.arange(100) % 20) + 10] = True
    passage = np.zeros((4, 64, 64), bool)
    passage[:, :32] = training[:, 16:48]
    assert longest_copied_run([passage, np.zeros((4, 64, 64), bool)], [training]).tolist() == [32, 0]


def test_training_leaves_a_generator_whose_passages_are_rolls(tiny_run):
    loaded = load_music_model(checkpoint=tiny_run)
    rolls = compose(loaded, 3, seed=0)
    assert rolls.shape == (3, 4, 64, 64) and rolls.dtype == bool
    assert np.array_equal(rolls, compose(loaded, 3, seed=0))
    assert torch.is_tensor(next(loaded.generator.parameters()))
    # chorales-modes is conditioned on the mode: the names travel with the checkpoint, and without --label the
    # passages alternate major, minor (the same noise with the other mode gives other music)
    assert loaded.config.num_classes == 2 and loaded.state["data"]["class_names"] == ["major", "minor"]
    major, minor = compose(loaded, 2, seed=0, label="major"), compose(loaded, 2, seed=0, label=1)
    assert np.array_equal(rolls[0], major[0]) and np.array_equal(rolls[1], minor[1])
    z = loaded.generator.sample_latent(2, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():  # (an untrained label embedding moves the output too little to flip a note)
        assert not torch.equal(loaded.generator(z, torch.tensor([0, 0])), loaded.generator(z, torch.tensor([1, 1])))
    with pytest.raises(GanforgeError, match="'dorian' is not a class of this model; its classes are major, minor"):
        compose(loaded, 1, label="dorian")


def test_the_browser_apps_compose_tab_plays_what_compose_writes(tiny_run, tmp_path):
    import shutil

    from ganforge.apps.webapp import WebApp

    shutil.copytree(tiny_run, tmp_path / "runs" / "music")
    app = WebApp(tmp_path / "runs", work=tmp_path / "work")
    assert set(app.catalogue.keys("compose")) == {"chorales", "runs/music"}  # the shipped model and the run
    assert "runs/music" not in app.catalogue.keys("generate")
    rate, sound, picture, midi = app.compose("runs/music", 2)
    roll = compose(load_music_model(checkpoint=tiny_run), 1, seed=2)[0]
    assert rate == 16_000 and np.array_equal(sound, synthesise(roll)) and midi.is_file() and picture.ndim == 3
    # the run is conditioned on the mode: the tab offers the modes and plays the one asked for
    assert app.classes("runs/music") == ["any", "major", "minor"] and app.classes("chorales") == []
    _, minor_sound, _, minor_midi = app.compose("runs/music", 2, "minor")
    minor = compose(load_music_model(checkpoint=tiny_run), 1, seed=2, label="minor")[0]
    assert np.array_equal(minor_sound, synthesise(minor)) and minor_midi != midi


def test_a_folder_of_midi_files_trains_and_a_damaged_one_is_skipped_in_a_line(tmp_path):
    windows = load_chorales("heldout").rolls[:10].astype(bool)
    scores = tmp_path / "scores"
    for index, window in enumerate(windows):
        write_midi(window, scores / f"piece{index}.mid")
    (scores / "broken.mid").write_bytes(b"MThd\x00\x00\x00\x06garbage")
    (scores / "notes.txt").write_text("not a score")
    notes: list[str] = []
    data = load_chorales("all", spec=str(scores), on_note=notes.append)
    assert len(data) == 10 and np.array_equal(np.sort(data.rolls.reshape(10, -1), axis=0),
                                              np.sort(windows.reshape(10, -1).astype(np.uint8), axis=0))
    assert notes == ["skipped broken.mid: music21 cannot read it as a score (" + notes[0].split("(")[1]]
    (tmp_path / "tiny.toml").write_text(TINY.replace("batch_size = 4", "batch_size = 2"))
    result = run_cli("train", str(tmp_path / "tiny.toml"), "--data", str(scores), "--out", str(tmp_path / "run"))
    assert result.returncode == 0, result.stderr
    assert "skipped broken.mid" in result.stderr and "Traceback" not in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = run_cli("train", "chorales", "--data", str(empty), "--out", str(tmp_path / "run2"))
    assert refused.returncode == 2 and "no four-part score" in refused.stderr


def test_a_voices_generator_sings_one_pitch_or_rests_and_refuses_chords(tmp_path):
    from ganforge.models.musegan import MuseGANConfig, build, fit_to_data

    config = MuseGANConfig(voices=True, generator_channels=(8, 8, 8, 8), discriminator_channels=(8, 8, 8, 8))
    generator = build(config)["generator"]
    z = generator.sample_latent(3, generator=torch.Generator().manual_seed(0))
    soft = generator(z)  # training: each (voice, step)'s pitch probabilities, the rest slot drawn silent
    chances = (soft + 1) / 2
    assert torch.all(chances[..., 0] == 0) and torch.all(chances.sum(-1) < 1) and torch.all(chances[..., 1:] > 0)
    generator.eval()
    hard = generator(z)  # composing: the likeliest slot
    assert set(hard.unique().tolist()) <= {-1.0, 1.0} and (hard > 0).sum(-1).max() == 1
    with torch.no_grad():
        logits = torch.nn.Sequential(generator.dense, generator.convs)(z)
    sings = logits.argmax(-1) != 0  # a step sounds where the likeliest slot is not the rest
    assert torch.equal((hard > 0).any(-1), sings) and torch.equal(hard.argmax(-1)[sings], logits.argmax(-1)[sings])
    # the real chorales fit (no chords in a voice, nothing at MIDI 28); a voice holding a chord does not
    data = load_chorales("heldout")
    assert fit_to_data(config, data, "chorales") == config
    data.rolls[0, 1, 5, 30:32] = 1
    with pytest.raises(GanforgeError, match="chords within a voice"):
        fit_to_data(config, data, "chorales")
    # and the preset trains and composes one pitch per voice and step
    (tmp_path / "voices.toml").write_text(TINY.replace('"chorales-modes"', '"chorales"'))
    train(str(tmp_path / "voices.toml"), out=tmp_path / "run", device="cpu", progress=False, seed=0)
    rolls = compose(load_music_model(checkpoint=tmp_path / "run"), 4, seed=0)
    assert rolls.shape == (4, 4, 64, 64) and rolls.sum(-1).max() == 1 and not rolls[..., 0].any()


def test_a_pitch_bias_is_learned_per_voice_and_pitch_and_holds_at_every_step():
    from ganforge.models.musegan import MuseGANConfig, build

    with pytest.raises(ValueError, match="needs voices"):
        MuseGANConfig(pitch_bias=True)
    config = MuseGANConfig(voices=True, pitch_bias=True, generator_channels=(8, 8, 8, 8),
                           discriminator_channels=(8, 8, 8, 8))
    generator = build(config)["generator"]
    assert generator.pitch_bias.shape == (4, 1, 64) and not generator.pitch_bias.any()  # starts neutral
    z = generator.sample_latent(3, generator=torch.Generator().manual_seed(0))
    (generator(z)[:, 0, :, 40]).sum().backward()  # the soprano's chance of slot 40, at every step
    grad = generator.pitch_bias.grad
    assert grad[0, 0, 40] > 0 and grad[1:].abs().max() == 0  # only the soprano's bias moves it
    # a large bias on one (voice, pitch) makes that voice sing that pitch at every step, the others unchanged
    generator.eval()
    before = generator(z)
    with torch.no_grad():
        generator.pitch_bias[2, 0, 33] = 100.0
    after = generator(z)
    assert (after[:, 2, :, 33] == 1).all() and torch.equal(after[:, [0, 1, 3]], before[:, [0, 1, 3]])


def test_a_pitch_class_critic_reads_where_each_pitch_class_lies_and_trains(tmp_path):
    from ganforge.models.musegan import MuseGANConfig, build

    config = MuseGANConfig(voices=True, critic_pitch_classes=True, generator_channels=(8, 8, 8, 8),
                           discriminator_channels=(8, 8, 8, 8))
    critic = build(config)["discriminator"]
    marks = critic.pitch_classes[:, 0]  # (12, pitches)
    assert (marks.sum(0) == -10).all()  # one class per pitch row: +1 once, -1 eleven times
    for pitch in (0, 5, 32, 63):  # MIDI LOWEST + pitch, C = 0
        assert marks[(LOWEST + pitch) % 12, pitch] == 1
    assert critic.features[0].in_channels == 4 + 12 and "pitch_classes" not in critic.state_dict()
    seen = []
    critic.features[0].register_forward_hook(lambda module, inputs, output: seen.append(inputs[0]))
    passages = torch.zeros(2, 4, 64, 64)
    critic(passages)
    assert torch.equal(seen[0][:, 4:], marks[None, :, None, :].expand(2, 12, 64, 64))  # the same at every step
    (tmp_path / "pcc.toml").write_text(TINY.replace('"chorales-modes"', '"chorales"').replace(
        "[model]\n", "[model]\ncritic_pitch_classes = true\npitch_bias = true\n"))
    train(str(tmp_path / "pcc.toml"), out=tmp_path / "run", device="cpu", progress=False, seed=0)
    rolls = compose(load_music_model(checkpoint=tmp_path / "run"), 2, seed=0)
    assert rolls.shape == (2, 4, 64, 64) and rolls.sum(-1).max() == 1
