"""The browser app's work without the page (apps/webapp.py): which models each tab offers, and that
each button gives what the matching command gives, or a one-line reason."""

from __future__ import annotations

import csv
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ganforge.apps.anomaly import score_files
from ganforge.apps.webapp import MAX_SCORED, MAX_UPSCALE_PIXELS, Catalogue, WebApp, check_upload, mask_from_editor
from ganforge.data import load_dataset
from ganforge.data.folder import read_image
from ganforge.errors import GanforgeError
from ganforge.training import train
from tests.apps.test_speech import tiny_toml
from tests.conftest import PHOTO, TINY_TOML, run_cli


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Path:
    """A runs folder with a tiny conditional GAN, a tiny SpecGAN on tones, a tiny anomaly detector (digit 1
    normal) and a folder that is no run."""
    root = tmp_path_factory.mktemp("runs")
    (root / "tiny.toml").write_text(TINY_TOML)
    result = run_cli("train", str(root / "tiny.toml"), "--out", str(root / "runs" / "cgan"), "--no-progress")
    assert result.returncode == 0, result.stderr
    rate = 8000
    for label, frequency in (("low", 300), ("high", 1200)):
        (root / "audio" / label).mkdir(parents=True)
        for take in range(2):
            t = np.arange(rate // 2) / rate
            from scipy.io import wavfile
            wavfile.write(root / "audio" / label / f"{take}.wav", rate,
                          (0.4 * np.sin(2 * np.pi * frequency * t) * 32767).astype(np.int16))
    (root / "speech.toml").write_text(tiny_toml("specgan-digits"))
    result = run_cli("train", str(root / "speech.toml"), "--data", str(root / "audio"), "--out",
                     str(root / "runs" / "speech"), "--no-progress")
    assert result.returncode == 0, result.stderr
    (root / "detector.toml").write_text('preset = "deep-svdd"\n[model]\nwidth = 8\nlatent_dim = 16\n[preprocess]\n'
                                        'normal = [1]\n[train]\nsteps = 120\nbatch_size = 32\nsample_every = 0\n')
    train(str(root / "detector.toml"), out=root / "runs" / "detector", device="cpu", progress=False, seed=0)
    (root / "runs" / "notes").mkdir()
    (root / "runs" / "notes" / "todo.txt").write_text("not a run")
    return root / "runs"


@pytest.fixture(scope="module")
def app(runs, tmp_path_factory) -> WebApp:
    return WebApp(runs, work=tmp_path_factory.mktemp("work"))


def write_png(path: Path, array: np.ndarray) -> Path:
    Image.fromarray(array[..., 0] if array.shape[-1] == 1 else array).save(path)
    return path


def test_each_model_is_offered_to_the_tabs_it_can_serve(app):
    keys = {task: app.catalogue.keys(task) for task in ("generate", "edit", "colourise", "upscale", "speak",
                                                         "complete", "evaluate")}
    assert {"mnist-gan", "mnist-cgan", "runs/cgan"} <= set(keys["generate"]) and "colourise" not in keys["generate"]
    assert set(keys["generate"]) == set(keys["edit"])
    assert keys["colourise"][:2] == ["colourise-inception", "colourise"] and keys["upscale"] == ["srresnet-x4-paper", "srgan-x4", "srresnet-x4"]
    assert keys["speak"] == ["specgan-digits", "runs/speech"] and not {"specgan-digits", "runs/speech"} & set(keys["generate"])
    assert "mnist-gan" in keys["complete"] and "runs/notes" not in keys["evaluate"]
    with pytest.raises(GanforgeError, match="not upscale; choose one of: srresnet-x4-paper, srgan-x4, srresnet-x4"):
        app.catalogue.get("mnist-gan", "upscale")
    with pytest.raises(GanforgeError, match="choose a model first"):
        app.catalogue.get(None, "generate")
    with pytest.raises(GanforgeError, match="no such folder"):
        Catalogue(app.catalogue.runs / "missing")


def test_refresh_finds_new_runs_and_reloads_runs_but_not_shipped_models(app, runs):
    shipped, run = app.generator("mnist-gan", "generate"), app.generator("runs/cgan", "generate")
    (runs / "later").mkdir()
    (runs / "later" / "checkpoints").symlink_to(runs / "cgan" / "checkpoints")
    app.refresh()
    assert "runs/later" in app.catalogue.keys("generate")
    assert app.generator("mnist-gan", "generate") is shipped and app.generator("runs/cgan", "generate") is not run
    (runs / "later" / "checkpoints").unlink()
    (runs / "later").rmdir()
    app.refresh()
    assert "runs/later" not in app.catalogue.keys("generate")


def test_generate_gives_the_grid_and_the_arrays_of_ganforge_sample(app, tmp_path):
    grid, npz = app.generate("mnist-cgan", 12, seed=3, label="7")
    assert run_cli("sample", "--model", "mnist-cgan", "--num", "12", "--seed", "3", "--label", "7", "--out",
                   str(tmp_path / "same.npz")).returncode == 0
    ours, theirs = np.load(npz), np.load(tmp_path / "same.npz")
    np.testing.assert_array_equal(ours["images"], theirs["images"])
    assert (ours["labels"] == 7).all() and ours["images"].shape == (12, 28, 28, 1)
    assert grid.dtype == np.uint8 and grid.shape[1] >= 512 and grid.std() > 20  # enlarged, not blank
    assert app.classes("mnist-cgan") == ["any"] + [str(k) for k in range(10)] and app.classes("mnist-gan") == []
    # groups and class names travel with the checkpoint: a sex alone draws that sex from 13 on
    assert app.classes("faces-cgan")[:3] == ["any", "male", "female"] and "female over 50" in app.classes("faces-cgan")
    _, npz = app.generate("faces-cgan", 4, seed=0, label="male")
    assert np.load(npz)["labels"].tolist() == [1, 2, 3, 1]
    for bad, reason in ((0, "ask for 1 to"), (10_000, "ask for 1 to")):
        with pytest.raises(GanforgeError, match=reason):
            app.generate("mnist-gan", bad, seed=0)
    with pytest.raises(GanforgeError, match="unconditional"):
        app.generate("mnist-gan", 4, seed=0, label="3")


def test_uploads_that_are_no_picture_or_too_big_are_refused_in_one_line(tmp_path):
    (tmp_path / "notes.txt").write_text("not a picture")
    with pytest.raises(GanforgeError, match=r"notes.txt is not a picture: upload a PNG"):
        check_upload(tmp_path / "notes.txt", 10**6, "upscale", "x")
    with pytest.raises(GanforgeError, match="no picture yet"):
        check_upload(None, 10**6, "upscale", "x")
    side = math.isqrt(MAX_UPSCALE_PIXELS) + 1
    big = write_png(tmp_path / "big.png", np.zeros((side, side, 1), np.uint8))
    with pytest.raises(GanforgeError, match=rf"big.png is {side}x{side}; .* `ganforge upscale --tile"):
        check_upload(big, MAX_UPSCALE_PIXELS, "upscale", "`ganforge upscale --tile 128`")
    cut = tmp_path / "cut.png"
    cut.write_bytes(write_png(tmp_path / "whole.png", PHOTO).read_bytes()[:200])
    with pytest.raises(GanforgeError, match="cut.png"):
        check_upload(cut, 10**6, "upscale", "x")
    assert check_upload(tmp_path / "whole.png", 10**6, "upscale", "x").shape == PHOTO.shape


@pytest.mark.parametrize(("task", "model", "shapes"), [
    ("upscale", "srresnet-x4", ((96, 128, 3), (96, 128, 3))),  # bicubic | the model, x4
    ("colourise", "colourise", ((24, 32, 1), (24, 32, 3))),  # in gray | colourised
])
def test_upscale_and_colourise_give_what_their_commands_write(app, tmp_path, task, model, shapes):
    photo = write_png(tmp_path / "photo.png", PHOTO)
    before, after = getattr(app, task)(model, str(photo))
    assert run_cli(task, "--model", model, "--input", str(photo), "--out", str(tmp_path / "out")).returncode == 0
    np.testing.assert_array_equal(after, read_image(tmp_path / "out" / "photo.png"))
    assert (before.shape, after.shape) == shapes
    if task == "upscale":
        assert np.abs(before.astype(int) - after).mean() > 0.5  # the model is not bicubic


def test_complete_by_inversion_keeps_the_known_pixels(app):
    picture, _ = app.generate("mnist-gan", 1, seed=5)
    digit = np.asarray(Image.fromarray(picture[..., 0]).resize((28, 28), Image.BILINEAR))[..., None]
    mask = np.zeros((28, 28), bool)
    mask[14:] = True
    shown, filled = app.complete("mnist-gan", digit, mask, steps=10)
    scale = shown.shape[0] // 28
    known = ~np.repeat(np.repeat(mask, scale, 0), scale, 1)
    np.testing.assert_array_equal(filled[known], shown[known])
    assert (shown[~known] == 128).all() and filled[~known].std() > 0
    for bad, reason in ((np.zeros_like(mask), "nothing to fill"), (np.ones_like(mask), "whole picture is painted")):
        with pytest.raises(GanforgeError, match=reason):
            app.complete("mnist-gan", digit, bad)


def test_the_editors_painted_strokes_are_the_mask():
    background = np.full((10, 12, 4), 255, np.uint8)
    background[..., :3] = 40
    layer = np.zeros((10, 12, 4), np.uint8)
    layer[2:5, 3:7] = (255, 48, 48, 255)
    image, mask = mask_from_editor({"background": background, "layers": [layer], "composite": background})
    assert image.shape == (10, 12, 3) and (image == 40).all()
    assert mask.sum() == 12 and mask[2:5, 3:7].all()
    assert mask_from_editor(None) == (None, None)


def test_edit_moves_a_sample_or_an_inverted_picture_along_sefa_directions(app, tmp_path):
    session = app.start_edit("mnist-gan", seed=1)
    assert len(session.directions) == 4 and all(d.method == "sefa" for d in session.directions)
    still = app.render_edit(session, [0, 0, 0, 0])
    np.testing.assert_array_equal(still, app.render_edit(session, [0, 0, 0, 0]))
    moved = app.render_edit(session, [3, 0, 0, 0])
    assert np.abs(moved.astype(int) - still).mean() > 5
    digit = write_png(tmp_path / "digit.png", app.generate("mnist-gan", 1, seed=2)[0])
    inverted = app.start_edit("mnist-gan", upload=str(digit), steps=20)
    assert inverted.original is not None
    both = app.render_edit(inverted, [0, 0, 0, 0])
    assert both.shape[1] == 2 * both.shape[0]  # the picture | its edit
    with pytest.raises(GanforgeError, match="nothing to edit yet"):
        app.render_edit(None, [0])
    with pytest.raises(GanforgeError, match="steps: choose 1 to"):
        app.start_edit("mnist-gan", upload=str(digit), steps=0)


def test_edit_offers_sex_and_age_sliders_for_a_face_model(app):
    session = app.start_edit("faces-cgan", seed=3)
    assert [d.name for d in session.directions] == ["sex", "age"]
    assert all(d.method == "attribute" for d in session.directions)
    assert session.directions[1].effect["age"] > 2  # years per unit strength, as the face judge reads samples
    younger, older = app.render_edit(session, [0, -2]), app.render_edit(session, [0, 2])
    assert np.abs(older.astype(int) - younger).mean() > 5


def test_speak_plays_the_models_clips_at_its_rate(app):
    rate, audio, pictures = app.speak("runs/speech", digit=1, seed=0, num=2)
    loaded = app.generator("runs/speech", "speak")
    clip = loaded.state["data"]["audio"]["clip_length"]
    assert rate == 16000 and audio.dtype == np.float32 and audio.shape == (2 * (clip + rate // 4),)
    assert np.abs(audio).max() <= 1 and np.abs(audio).max() > 0 and pictures.ndim == 3
    with pytest.raises(GanforgeError, match="says classes 0 to 1"):
        app.speak("runs/speech", digit=5, seed=0)
    with pytest.raises(GanforgeError, match="not conditioned on the speaker"):
        app.speak("runs/speech", digit=0, seed=0, speaker="low")
    with pytest.raises(GanforgeError, match="not speak"):
        app.speak("mnist-gan", digit=0, seed=0)


def test_detect_scores_uploads_as_ganforge_anomaly_does(app, runs, tmp_path):
    assert app.catalogue.keys("detect") == ["runs/detector"] and "runs/detector" in app.catalogue.keys("evaluate")
    assert "runs/detector" not in app.catalogue.keys("generate")
    held = load_dataset("mnist-5k", "heldout")
    folder = tmp_path / "uploads"
    folder.mkdir()
    ones, others = held.images[held.labels == 1][:4], held.images[held.labels != 1][:4]
    paths = [write_png(folder / f"one-{k}.png", image) for k, image in enumerate(ones)]
    paths += [write_png(folder / f"other-{k}.png", image) for k, image in enumerate(others)]
    rows, picture, csv_path, note = app.detect("runs/detector", [str(p) for p in paths], 0.05)
    score_files(runs / "detector", folder, tmp_path / "cli.csv", threshold_fpr=0.05)
    cli = {row["file"]: row for row in csv.DictReader((tmp_path / "cli.csv").read_text().splitlines())}
    page = {row["file"]: row for row in csv.DictReader(csv_path.read_text().splitlines())}
    assert page == cli  # the same scores and verdicts as the command, file by file
    scores = [row[1] for row in rows]
    assert scores == sorted(scores, reverse=True) and len(rows) == 8  # most anomalous first
    assert {row[2] for row in rows} <= {"normal", "anomalous"} and "calls 5% of the run's normal validation" in note
    flagged = sum(row[2] == "anomalous" for row in rows)
    assert note.startswith(f"{flagged} of 8 above the threshold")
    assert picture.dtype == np.uint8 and picture.shape[2] == 3 and picture.shape[1] >= 512
    red = (picture[..., 0] > 200) & (picture[..., 1] < 60)
    assert red.any() == (flagged > 0)  # flagged pictures are framed in red
    rgb = write_png(tmp_path / "big.png", np.repeat(np.kron(ones[0], np.ones((2, 2, 1), np.uint8)), 3, axis=2))
    assert "converted to grayscale" in app.detect("runs/detector", [str(rgb)], 0.05)[3]
    for uploads, reason in (([], "no pictures yet"), ([str(paths[0])] * (MAX_SCORED + 1), f"up to {MAX_SCORED}")):
        with pytest.raises(GanforgeError, match=reason):
            app.detect("runs/detector", uploads, 0.05)
    with pytest.raises(GanforgeError, match="not detect"):
        app.detect("mnist-gan", [str(paths[0])], 0.05)


def test_evaluate_shows_what_a_run_logged_and_a_shipped_models_card(app):
    card, last, evaluations, losses, samples = app.report("runs/cgan")
    names = {row[0] for row in last}
    assert {"loss_D", "loss_G"} <= names and all(row[1] == 6 for row in last if row[0].startswith("loss_"))
    assert samples is not None and samples.std() > 0 and "runs/cgan" in card
    assert losses is not None and losses.std() > 0 and evaluations == []  # this run evaluated nothing
    card, *_ = app.report("mnist-cgan")
    assert card.startswith("#") and "mnist-cgan" in card



def bomb_png(path: Path, side: int) -> Path:
    """A small PNG file whose header says side x side RGB (all black): a few hundred KB that would decode
    to side * side * 3 bytes. Written in chunks, so making it costs no memory."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    packer, row, body = zlib.compressobj(9), b"\0" * (side * 3 + 1), []
    for _ in range(side):
        body.append(packer.compress(row))
    body.append(packer.flush())
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(body))
                     + chunk(b"IEND", b""))
    return path


@pytest.mark.parametrize("tab", ["complete", "colourise", "upscale", "edit", "detect"])
def test_every_upload_path_checks_the_header_before_decoding(app, tmp_path, monkeypatch, tab):
    bomb = bomb_png(tmp_path / "bomb.png", 13000)
    assert bomb.stat().st_size < 2**20  # small on disk, 507 MB decoded

    def no_decoding(*_args, **_kwargs):
        raise AssertionError("the picture was decoded before its size was checked")

    monkeypatch.setattr("ganforge.apps.webapp.read_image", no_decoding)
    calls = {"complete": lambda: app.picture_to_complete(bomb), "colourise": lambda: app.colourise("colourise", bomb),
             "upscale": lambda: app.upscale("srresnet-x4", bomb), "edit": lambda: app.start_edit("mnist-gan",
                                                                                                  upload=bomb),
             "detect": lambda: app.detect("runs/detector", [bomb])}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no Pillow warning on the server's terminal either
        with pytest.raises(GanforgeError, match="bomb.png is 13000x13000"):
            calls[tab]()


def test_the_complete_tab_gets_its_picture_as_a_file(app, tmp_path):
    value = app.picture_to_complete(write_png(tmp_path / "photo.png", PHOTO))
    assert np.array_equal(value["background"], PHOTO) and value["layers"] == []
    image, mask = mask_from_editor(value)
    assert np.array_equal(image, PHOTO) and not mask.any()


def test_the_upscale_tab_self_ensemble_is_the_commands(app, tmp_path):
    photo = write_png(tmp_path / "photo.png", PHOTO)
    plain = app.upscale("srresnet-x4-paper", str(photo))[1]
    before, after = app.upscale("srresnet-x4-paper", str(photo), self_ensemble=True)
    assert run_cli("upscale", "--model", "srresnet-x4-paper", "--self-ensemble", "--input", str(photo),
                   "--out", str(tmp_path / "out")).returncode == 0
    np.testing.assert_array_equal(after, read_image(tmp_path / "out" / "photo.png"))
    assert before.shape == after.shape and np.abs(after.astype(int) - plain).max() > 0  # the ensemble differs
