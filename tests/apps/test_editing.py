"""Editing through the latent space: inversion, directions, edits, completion, combining."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import run_cli, run_main
from PIL import Image

from ganforge.apps.directions import (
    find_directions,
    likeliest_moves,
    load_directions,
    model_fingerprint,
    pca,
    read_classes,
    render,
    save_directions,
    sefa,
)
from ganforge.apps.edit import (
    combine,
    complete,
    edited,
    parse_strengths,
    read_known,
    to_model_images,
)
from ganforge.apps.generate import load_model
from ganforge.apps.inversion import InversionSettings, Inverter
from ganforge.apps.latent import LatentGenerator
from ganforge.data import load_dataset, resize_dataset
from ganforge.errors import GanforgeError
from ganforge.models import dcgan, stylegan2
from ganforge.models.io import LoadedGenerator
from ganforge.utils.images import from_uint8

PIXELS_ONLY = {"perceptual": "none", "noise_regularisation": 0.0}


def tiny_stylegan2(seed: int = 0, resolution: int = 16) -> LatentGenerator:
    """A randomly initialised stylegan2 generator small enough to invert in a second."""
    torch.manual_seed(seed)
    config = stylegan2.StyleGAN2Config(resolution=resolution, image_channels=1, z_dim=16, w_dim=16, mapping_layers=2,
                                       channel_base=128, channel_max=16)
    network = stylegan2.Generator(config)
    for conv in network.synthesis.convs:  # let the noise inputs matter, as they do after training
        conv.noise_strength.data.fill_(0.1)
    return LatentGenerator(LoadedGenerator(network.eval(), "stylegan2", config, {"data": {"name": "tiny"}},
                                           Path("tiny-stylegan2")))


def tiny_dcgan(seed: int = 0) -> LatentGenerator:
    torch.manual_seed(seed)
    config = dcgan.DCGANConfig(latent_dim=8, generator_channels=(16, 8), discriminator_channels=(8, 16))
    return LatentGenerator(LoadedGenerator(dcgan.Generator(config).eval(), "dcgan", config, {"data": {"name": "tiny"}},
                                           Path("tiny-dcgan")))


def distance(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).norm())


def test_real_images_are_resized_as_the_training_images_were():
    digits = load_dataset("mnist-5k", "heldout").subset(np.arange(4), "four digits")
    notes = []
    given = to_model_images(list(digits.images), tiny_stylegan2(resolution=32), on_note=notes.append)
    trained_on = resize_dataset(digits, 32).images  # what a 32x32 model saw of the same digits
    assert torch.equal(given, from_uint8(trained_on)) and notes == ["note: 4 image(s) resized to 32x32, the model's size"]


def test_a_mask_lands_on_the_pixels_it_covers_in_the_resized_image(tmp_path):
    # a 45x30 photo with a white bar, and a mask of the same bar: after both are brought to the model's
    # square size (scale the short side, crop the centre), the hole is where the bar is
    drawn = np.zeros((30, 45, 1), np.uint8)
    drawn[:, 17:26] = 255
    Image.fromarray(drawn[..., 0]).save(tmp_path / "mask.png")
    model = tiny_dcgan()
    known = read_known(tmp_path / "mask.png", (30, 45), model.image_shape[1])
    bar = to_model_images([drawn], model, on_note=lambda _: None)[0, 0] > 0
    assert known.shape == (1, 1, *model.image_shape[1:])
    assert torch.equal(~known[0, 0], bar) and bar.any() and not bar.all()


def test_inversion_in_w_recovers_a_generated_image_and_its_latent():
    model = tiny_stylegan2()
    with torch.no_grad():
        w_true = model.from_z(model.random_z(4, seed=7), "w")
        targets = model.render(w_true, "w")
    inversion = Inverter(model, InversionSettings(space="w", steps=300, **PIXELS_ONLY), progress=False).invert(targets)
    start = model.statistics("w").mean.expand_as(w_true)
    with torch.no_grad():
        start_mse = (model.render(start, "w") - targets).square().mean((1, 2, 3))
    assert torch.all(inversion.pixel_mse < 0.05 * start_mse)
    assert distance(inversion.latents, w_true) < 0.3 * distance(start, w_true)


def test_inversion_in_z_recovers_a_dcgan_latent():
    model = tiny_dcgan()
    z_true = model.random_z(4, seed=3)
    z_true = z_true / z_true.norm(dim=1, keepdim=True) * 8**0.5  # on the sphere the search keeps z on
    with torch.no_grad():
        targets = model.render(z_true, "z")
    inversion = Inverter(model, InversionSettings(space="z", steps=300, **PIXELS_ONLY), progress=False).invert(targets)
    cosine = torch.nn.functional.cosine_similarity(inversion.latents, z_true)
    assert torch.all(cosine > 0.95), cosine
    assert float(inversion.pixel_mse.max()) < 1e-3


def test_w_plus_fits_a_mixed_image_better_than_w():
    model = tiny_stylegan2()
    with torch.no_grad():
        ws = model.from_z(model.random_z(8, seed=5), "w+")
        mixed = model.generator.mix(ws[:4], ws[4:], model.num_ws // 2)  # two styles: no single w draws it
        targets = model.render(mixed, "w+")
    results = {space: Inverter(model, InversionSettings(space=space, steps=200, **PIXELS_ONLY), progress=False)
               .invert(targets).pixel_mse.mean() for space in ("w", "w+")}
    assert results["w+"] < 0.5 * results["w"]


def test_a_masked_inversion_never_sees_the_unknown_pixels():
    model = tiny_stylegan2()
    with torch.no_grad():
        targets = model.render(model.from_z(model.random_z(2, seed=1), "w"), "w")
    known = torch.ones(1, 1, 16, 16, dtype=torch.bool)
    known[..., 8:, :] = False
    garbage = targets.clone()
    garbage[..., 8:, :] = torch.rand_like(garbage[..., 8:, :])
    settings = InversionSettings(space="w", steps=20, perceptual="none")
    a = Inverter(model, settings, progress=False).invert(targets, known=known)
    b = Inverter(model, settings, progress=False).invert(garbage, known=known)
    assert torch.equal(a.latents, b.latents)
    filled, _ = complete(model, garbage, known, settings)
    assert torch.equal(filled[..., :8, :], garbage[..., :8, :])  # known pixels kept exactly
    assert torch.equal(filled[..., 8:, :], a.images[..., 8:, :].clamp(-1, 1))  # the hole drawn by the generator


def test_inversion_is_batched_without_images_affecting_each_other():
    model = tiny_stylegan2()
    with torch.no_grad():
        targets = model.render(model.from_z(model.random_z(4, seed=2), "w"), "w")
    settings = InversionSettings(space="w+", steps=15, **PIXELS_ONLY)
    together = Inverter(model, settings, progress=False).invert(targets)
    alone = Inverter(model, settings, progress=False).invert(targets[1:2])
    # each image's loss is its own; only the shared noise draw differs between the two calls
    assert float(together.pixel_mse[1]) == pytest.approx(float(alone.pixel_mse[0]), rel=0.5)
    split = Inverter(model, InversionSettings(space="w+", steps=15, batch_size=2, **PIXELS_ONLY),
                     progress=False).invert(targets)
    assert split.latents.shape == together.latents.shape == (4, model.num_ws, 16)


def test_sefa_directions_change_the_styles_most():
    model = tiny_stylegan2()
    vectors = sefa(model, 3, (0, model.num_ws - 1))
    synthesis = model.generator.synthesis
    weight = torch.cat([m.affine.weight * m.affine.weight_gain for m in [*synthesis.convs, *synthesis.to_rgbs]])
    stacked = torch.stack(vectors)
    assert torch.allclose(stacked @ stacked.T, torch.eye(3), atol=1e-5)  # orthonormal
    random = torch.nn.functional.normalize(torch.randn(200, 16), dim=1)
    assert float((weight @ vectors[0]).norm()) >= float((weight @ random.T).norm(dim=0).max())


def test_pca_directions_follow_the_spread_of_w():
    model = tiny_stylegan2()
    first = pca(model, 2, 2000, seed=0)[0]
    latents = model.from_z(model.random_z(2000, seed=9), "w").detach()
    centred = latents - latents.mean(0)
    random = torch.nn.functional.normalize(torch.randn(200, 16), dim=1)
    assert float((centred @ first).var()) >= float((centred @ random.T).var(0).max())


def test_dcgan_pca_maps_feature_components_back_to_z():
    vectors = pca(tiny_dcgan(), 3, 500, seed=0)
    assert all(abs(float(v.norm()) - 1) < 1e-5 for v in vectors)
    assert len({tuple(v.round(decimals=4).tolist()) for v in vectors}) == 3


def test_attribute_directions_move_their_attribute_and_not_the_other():
    model = LatentGenerator(load_model(model="mnist-gan"))
    found = find_directions(model, "attribute", attributes=("thickness", "slant"), samples=1500)
    thickness, slant = found.get("thickness").effect, found.get("slant").effect
    assert thickness["thickness"] > 0.1 and slant["slant"] > 0.03
    # the two fitted directions are made independent: each barely moves the other attribute
    assert abs(thickness["slant"]) < 0.3 * slant["slant"]
    assert abs(slant["thickness"]) < 0.3 * thickness["thickness"]


def test_supervised_moves_follow_the_latents_spread():
    # latents that spread 100x more along one axis than the other; the attribute reads both equally:
    # the likeliest unit change of the attribute goes along the wide axis, not the shortest (diagonal) one
    latents = torch.randn(5000, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    latents[:, 0] *= 10
    latents[:, 1] *= 0.1
    rows = torch.tensor([[1.0, 1.0]], dtype=torch.float64)
    move = likeliest_moves(rows, latents)[0]
    assert torch.allclose(rows @ move, torch.ones(1, dtype=torch.float64))
    assert abs(float(move[0])) > 50 * abs(float(move[1]))
    # with two attributes each move changes its own by one and the other by nothing
    rows = torch.tensor([[1.0, 1.0], [1.0, -2.0]], dtype=torch.float64)
    assert torch.allclose(rows @ likeliest_moves(rows, latents).T, torch.eye(2, dtype=torch.float64), atol=1e-9)


def test_supervised_directions_know_the_class_of_an_unconditional_digit_model():
    model = LatentGenerator(load_model(model="mnist-gan"))
    samples = render(model, model.random_z(300, seed=0), None)
    classes = read_classes(model, samples)
    assert classes.shape == (300,) and len(classes.unique()) >= 8  # a digit model draws every digit
    assert read_classes(tiny_dcgan(), samples) is None  # no classifier for its data: nothing is held


def test_direction_files_belong_to_their_model(tmp_path):
    model, other = tiny_stylegan2(), tiny_stylegan2(seed=1)
    found = find_directions(model, "sefa", count=2)
    path = save_directions(found, tmp_path / "d.safetensors")
    loaded = load_directions(path, model)
    assert loaded.model_id == model_fingerprint(model) and loaded.space == "w"
    assert torch.equal(loaded.get("sefa-1").vector, found.get("sefa-1").vector)
    assert loaded.get("sefa-0").effect == pytest.approx(found.get("sefa-0").effect)
    with pytest.raises(GanforgeError, match="another model"):
        load_directions(path, other)
    with pytest.raises(GanforgeError, match="did you mean 'sefa-1'"):
        loaded.get("sefa-11")
    (tmp_path / "x.safetensors").write_bytes(b"not a file")
    with pytest.raises(GanforgeError, match="not a ganforge directions file"):
        load_directions(tmp_path / "x.safetensors")


def test_an_edit_moves_only_the_chosen_style_layers():
    model = tiny_stylegan2()
    direction = find_directions(model, "sefa", count=1).directions[0]
    w = model.from_z(model.random_z(2, seed=4), "w").detach()
    moved, space = edited(model, w, "w", direction, 2.0, (0, 1))
    assert space == "w+"
    assert torch.allclose(moved[:, 2:], model.to_ws(w, "w")[:, 2:])
    assert torch.allclose(moved[:, :2] - w[:, None], (2.0 * direction.scale * direction.vector).expand(2, 2, -1))
    unmoved, _ = edited(model, w, "w", direction, 0.0, (0, model.num_ws - 1))
    assert torch.equal(unmoved, w)


def test_layer_names_split_the_style_inputs_in_thirds():
    model = tiny_stylegan2(resolution=32)  # 8 style inputs
    assert model.style_layer_ranges() == {"coarse": (0, 2), "middle": (3, 4), "fine": (5, 7)}
    assert model.parse_layers("2-5") == (2, 5)
    with pytest.raises(GanforgeError, match="coarse"):
        model.parse_layers("5-9")
    with pytest.raises(GanforgeError, match="no style layers"):
        tiny_dcgan().parse_layers("coarse")


def test_combine_takes_coarse_styles_of_one_and_fine_of_the_other():
    model = tiny_stylegan2()
    with torch.no_grad():
        a, b = model.render(model.from_z(model.random_z(2, seed=6), "w"), "w").split(1)
    cells = combine(model, a, b, InversionSettings(space="w+", steps=5, **PIXELS_ONLY), cut=2)
    assert cells.shape == (5, 1, 16, 16)
    with pytest.raises(GanforgeError, match="stylegan2"):
        combine(tiny_dcgan(), a, b, InversionSettings(steps=1))


def test_strengths_are_numbers():
    assert parse_strengths("-3,-1.5,0,1.5,3") == [-3, -1.5, 0, 1.5, 3]
    for bad in ("a,b", "", "1,nan", "1e9"):
        with pytest.raises(GanforgeError, match="--strength"):
            parse_strengths(bad)


# --- the command line, on the shipped mnist-gan and real digits -------------------------------------------------


@pytest.fixture
def digits(tmp_path) -> Path:
    from ganforge.data import load_dataset

    held = load_dataset("mnist-5k", "heldout")
    folder = tmp_path / "digits"
    folder.mkdir()
    for index in (0, 150, 300):
        Image.fromarray(held.images[index, ..., 0]).save(folder / f"d{index}.png")
    return folder


def assert_refused(result, *words):
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.slow
def test_invert_edit_and_complete_commands_on_real_digits(tmp_path, digits):
    photo = tmp_path / "photo.png"  # a colour image of another size: converted and said so
    Image.fromarray(np.stack([np.asarray(Image.open(digits / "d0.png").resize((40, 40)))] * 3, -1)).save(photo)
    result = run_cli("invert", "--model", "mnist-gan", "--input", str(photo), "--steps", "20", "--out",
                     str(tmp_path / "inv"))
    assert result.returncode == 0, result.stderr
    assert "converted to grayscale" in result.stderr and "resized to 28x28" in result.stderr
    saved = np.load(tmp_path / "inv" / "latents.npz")
    assert saved["latents"].shape == (1, 100) and str(saved["space"]) == "z" and list(saved["names"]) == ["photo.png"]
    assert Image.open(tmp_path / "inv" / "photo.png").size == (4 * (2 * 28 + 6), 4 * (28 + 4))  # before | after

    dirs = tmp_path / "dirs.safetensors"
    assert run_cli("directions", "--model", "mnist-gan", "--method", "attribute", "--samples", "300",
                   "--out", str(dirs)).returncode == 0
    result = run_cli("edit", "--model", "mnist-gan", "--input", str(digits), "--direction", f"{dirs}:thickness",
                     "--strength", "-2,0,2", "--steps", "10", "--each", "--out", str(tmp_path / "edits"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "edits").glob("*.png")) == ["d0.png", "d150.png", "d300.png"]
    each = sorted(p.name for p in (tmp_path / "edits" / "each").iterdir())
    assert each == [f"d{n}_{s}.png" for n in (0, 150, 300) for s in ("+0", "+2", "-2")]
    cells = np.asarray(Image.open(tmp_path / "edits" / "d150.png"))[::4, ::4]  # input | -2 | 0 | 2, 2 px apart
    for column, strength in enumerate(("-2", "+0", "+2"), start=1):
        alone = np.asarray(Image.open(tmp_path / "edits" / "each" / f"d150_{strength}.png"))
        assert alone.shape == (28, 28)
        assert np.array_equal(alone, cells[2:30, 2 + 30 * column : 30 + 30 * column])

    mask = np.zeros((28, 28), np.uint8)
    mask[14:] = 255
    Image.fromarray(mask).save(tmp_path / "mask.png")
    result = run_cli("complete", "--model", "mnist-gan", "--input", str(digits), "--mask", str(tmp_path / "mask.png"),
                     "--steps", "10", "--out", str(tmp_path / "filled"))
    assert result.returncode == 0 and "by inversion" in result.stdout, result.stderr
    filled = np.asarray(Image.open(tmp_path / "filled" / "d0.png"))[::4, ::4]  # the strip at its own scale
    original = np.asarray(Image.open(digits / "d0.png"))
    assert np.array_equal(filled[2 : 2 + 14, 32 : 32 + 28], original[:14])  # known half kept exactly


@pytest.mark.slow
def test_editing_commands_refuse_bad_input_in_one_line(tmp_path, digits):
    out = tmp_path / "out"
    dirs = tmp_path / "dirs.safetensors"
    assert run_main("directions", "--model", "mnist-cgan", "--method", "sefa", "--count", "2",
                   "--out", str(dirs)).returncode == 0
    big_mask = tmp_path / "big.png"
    Image.fromarray(np.full((30, 30), 255, np.uint8)).save(big_mask)
    gray_mask = tmp_path / "gray.png"
    Image.fromarray(np.full((28, 28), 128, np.uint8)).save(gray_mask)
    (tmp_path / "empty").mkdir()
    cases = [
        (("edit", "--model", "mnist-gan", "--input", str(digits), "--direction", f"{dirs}:sefa-0"), "another model"),
        (("edit", "--model", "mnist-cgan", "--input", str(digits), "--direction", f"{dirs}:thick"), "no direction"),
        (("edit", "--model", "mnist-cgan", "--seed", "1", "--direction", f"{dirs}:sefa-0", "--strength", "a"),
         "--strength"),
        (("edit", "--model", "mnist-cgan", "--seed", "1", "--direction", f"{dirs}:sefa-0", "--hold", "hue"),
         "can hold slant, thickness"),
        (("invert", "--model", "mnist-gan", "--input", str(digits), "--space", "w+"), "only latent space is z"),
        (("invert", "--model", "mnist-gan", "--input", str(tmp_path / "empty")), "no usable images"),
        (("complete", "--model", "mnist-gan", "--input", str(digits), "--mask", str(big_mask)), "30x30"),
        (("complete", "--model", "mnist-gan", "--input", str(digits), "--mask", str(gray_mask)), "black and white"),
        (("combine", "--model", "mnist-gan", "--structure", str(digits / "d0.png"), "--style", str(digits / "d150.png")),
         "stylegan2"),
    ]
    for args, words in cases:
        assert_refused(run_main(*args, "--out", str(out)), words)
        assert not out.exists(), args


def test_directions_do_not_depend_on_the_global_random_state():
    model = tiny_dcgan()
    torch.manual_seed(1)
    first = pca(model, 3, 300, seed=0)
    torch.manual_seed(2)
    second = pca(model, 3, 300, seed=0)
    assert all(torch.equal(a, b) for a, b in zip(first, second))
