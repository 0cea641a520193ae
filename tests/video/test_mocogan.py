"""The video task (issue 50): the mocogan family trains and resumes through the generic trainer, its
content and motion are apart (`ganforge animate --content-seed / --motion-seed`), and the command writes
GIFs and an .npz, refusing other models in one line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from ganforge.apps.generate import load_model_for
from ganforge.apps.video import animate, independent_frames
from ganforge.cli.main import main
from ganforge.errors import GanforgeError
from ganforge.models import FAMILIES
from ganforge.models.mocogan import MoCoGANConfig, build
from ganforge.training import train
from ganforge.training.checkpoint import latest_checkpoint

TINY = """
preset = "moving-mnist-mocogan"
[model]
generator_channels = [8, 8, 8, 8]
image_discriminator_channels = [8, 8, 8, 8]
video_discriminator_channels = [8, 8, 8, 8]
content_dim = 6
motion_dim = 4
motion_noise_dim = 3
frames_judged = 2
[train]
steps = 4
batch_size = 4
sample_every = 4
checkpoint_every = 2
log_every = 1
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("mocogan")
    (root / "tiny.toml").write_text(TINY)
    train(str(root / "tiny.toml"), out=root / "run", device="cpu", progress=False, seed=0)
    return root


def test_networks_shapes_and_both_critics():
    config = MoCoGANConfig(generator_channels=(8, 8, 8, 8), image_discriminator_channels=(8, 8, 8, 8),
                           video_discriminator_channels=(8, 8, 8, 8))
    networks = build(config)
    clips = networks["generator"](networks["generator"].sample_latent(3))
    assert clips.shape == (3, 1, 16, 64, 64) and clips.abs().max() <= 1
    assert networks["image_discriminator"](clips, torch.tensor([0, 5, 9])).shape == (3 * 3 * 16,)  # 4x4 patches
    assert networks["video_discriminator"](clips).shape == (3 * 6 * 16,)  # 16 - 4 x 2 - 2 frames, 4x4 patches
    assert FAMILIES.get("mocogan").data_kind == "video"


def test_trains_resumes_exactly_and_previews(run: Path):
    from safetensors.torch import load_file

    assert (run / "run" / "samples").is_dir() and any((run / "run" / "samples").iterdir())
    config = str(run / "tiny.toml")
    train(config, out=run / "straight", device="cpu", progress=False)
    train(config, out=run / "split", steps=2, device="cpu", progress=False)
    train(config, out=run / "split", steps=4, device="cpu", progress=False, resume=True)
    a, b = (load_file(latest_checkpoint(run / name) / "training.safetensors") for name in ("straight", "split"))
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_content_and_motion_come_from_their_own_seeds(run: Path):
    loaded = load_model_for("animate", "x", checkpoint=run / "run")
    same = animate(loaded, 2, content_seed=3, motion_seed=5)
    np.testing.assert_array_equal(same, animate(loaded, 2, content_seed=3, motion_seed=5))
    generator = loaded.generator
    from ganforge.apps.video import clip_latents

    a, b = clip_latents(loaded, 2, 3, 5), clip_latents(loaded, 2, 3, 6)
    c = clip_latents(loaded, 2, 4, 5)
    assert torch.equal(generator.split_latent(a)[0], generator.split_latent(b)[0])  # content kept
    assert not torch.equal(generator.split_latent(a)[1], generator.split_latent(b)[1])  # motion changed
    assert torch.equal(generator.split_latent(a)[1], generator.split_latent(c)[1])  # motion kept
    assert same.shape == (2, 16, 64, 64, 1) and same.dtype == np.uint8
    assert independent_frames(loaded, 2, seed=0).shape == (2, 16, 64, 64, 1)


def test_animate_writes_gifs_and_arrays_and_refuses_image_models(run: Path, tmp_path: Path, capsys):
    out = tmp_path / "clips"
    assert main(["animate", "--checkpoint", str(run / "run"), "--num", "2", "--scale", "1", "--out", str(out)]) == 0
    assert Image.open(out / "clip-000.gif").n_frames == 16
    assert np.load(out / "clips.npz")["frames"].shape == (2, 16, 64, 64, 1)
    assert main(["animate", "--model", "mnist-gan", "--out", str(tmp_path / "no")]) == 2
    assert "not a video model" in capsys.readouterr().err and not (tmp_path / "no").exists()
    assert main(["sample", "--checkpoint", str(run / "run"), "--out", str(tmp_path / "s.png")]) == 2
    assert "use `ganforge animate`" in capsys.readouterr().err
    assert main(["animate", "--checkpoint", str(run / "run"), "--num", "0", "--out", str(tmp_path / "z")]) == 2


def test_the_browser_app_plays_clips_of_a_video_run(run: Path, tmp_path: Path):
    from ganforge.apps.webapp import WebApp

    app = WebApp(run, work=tmp_path)
    assert "runs/run" in app.catalogue.keys("animate") and "runs/run" not in app.catalogue.keys("generate")
    gif = Image.open(app.animate("runs/run", content_seed=1, motion_seed=2))
    assert gif.n_frames == 16 and gif.size == (4 * 64 * 4, 64 * 4)  # four clips side by side, enlarged 4x
    again = app.animate("runs/run", content_seed=1, motion_seed=2)
    assert again.read_bytes() == app.animate("runs/run", content_seed=1, motion_seed=2).read_bytes()


def test_augmentation_moves_all_frames_of_a_clip_alike():
    from ganforge.objectives.mocogan import MoCoGANObjective, MoCoGANObjectiveConfig

    objective = MoCoGANObjective(MoCoGANObjectiveConfig(), MoCoGANConfig())
    torch.manual_seed(0)
    frame = torch.rand(4, 1, 1, 64, 64) * 2 - 1
    augmented = objective._augment(frame.expand(-1, -1, 16, -1, -1))
    assert torch.equal(augmented, augmented[:, :, :1].expand_as(augmented))  # every frame moved the same way
    assert not torch.equal(augmented[:, :, 0], frame[:, :, 0])  # and moved
    with pytest.raises(ValueError, match="blend a clip's frames"):
        MoCoGANObjectiveConfig(augment_policy="color,translation")


def test_critic_norms_and_the_batch_spread_channel():
    widths = {"generator_channels": (8, 8, 8, 8), "image_discriminator_channels": (8, 8, 8, 8),
              "video_discriminator_channels": (8, 8, 8, 8)}
    spectral = build(MoCoGANConfig(critic_norm="spectral", minibatch_std=True, **widths))
    plain = build(MoCoGANConfig(critic_norm="none", **widths))
    for networks in (spectral, plain):
        for role in ("image_discriminator", "video_discriminator"):
            assert not any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in networks[role].modules())
    critic = spectral["video_discriminator"].train()
    for _ in range(20):  # power iterations run on training forwards
        critic(torch.randn(2, 1, 16, 64, 64))
    convs = [m for m in critic.modules() if isinstance(m, torch.nn.Conv3d)]
    assert len(convs) == 5
    for conv in convs:
        assert torch.linalg.matrix_norm(conv.weight.detach().flatten(1), 2) == pytest.approx(1.0, abs=0.05)
    with pytest.raises(ValueError, match="critic_norm"):
        MoCoGANConfig(critic_norm="layer")
    whole = build(MoCoGANConfig(critic_scores="global", **widths))  # one score per judged frame and per clip
    clips = torch.randn(3, 1, 16, 64, 64)
    assert whole["image_discriminator"](clips, torch.tensor([0, 5])).shape == (3 * 2,)
    assert whole["video_discriminator"](clips).shape == (3,)

    from ganforge.models.mocogan import MinibatchStd

    same = torch.ones(4, 3, 2, 2)
    assert MinibatchStd()(same)[:, 3].abs().max() < 1e-3  # identical items: no spread
    assert (MinibatchStd()(torch.randn(4, 3, 2, 2))[:, 3] > 0.3).all()
    assert MinibatchStd()(same).shape == (4, 4, 2, 2)


def test_wgan_gp_updates_the_generator_every_critic_steps(tmp_path: Path):
    import json

    from ganforge.objectives.mocogan import MoCoGANObjective, MoCoGANObjectiveConfig

    objective = MoCoGANObjective(MoCoGANObjectiveConfig(loss="wgan-gp", critic_steps=3), MoCoGANConfig())
    assert [(p.name, p.interval) for p in objective.phases] == [("D", 1), ("G", 3)]
    (tmp_path / "wgan.toml").write_text(TINY.replace("[train]", '[objective]\nloss = "wgan-gp"\ncritic_steps = 2\n'
                                                      "[train]").replace("[model]", '[model]\ncritic_norm = "none"'))
    train(str(tmp_path / "wgan.toml"), out=tmp_path / "run", device="cpu", progress=False, seed=0)
    rows = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    steps = [row for row in rows if "gradient_penalty_video" in row]
    assert steps and all(row["gradient_penalty_image"] >= 0 for row in steps)
    with_g = sorted(row["step"] for row in rows if "loss_G_video" in row)
    assert len(with_g) == 2 and with_g[1] - with_g[0] == 2  # 4 critic steps, the generator at every second
    assert len([row for row in rows if "loss_D_video" in row and "loss_G_video" not in row]) == 2
    with pytest.raises(ValueError, match="critic_steps"):
        MoCoGANObjectiveConfig(critic_steps=0)


def test_the_video_discriminator_is_silent_before_video_start(tmp_path: Path):
    import json

    from safetensors.torch import load_file

    (tmp_path / "late.toml").write_text(TINY.replace("[train]", "[objective]\nvideo_start = 2\n[train]"))
    weights = []
    for steps in (1, 2, 4):
        options = {"resume": True} if steps > 1 else {"seed": 0}
        train(str(tmp_path / "late.toml"), out=tmp_path / "run", steps=steps, device="cpu", progress=False, **options)
        tensors = load_file(latest_checkpoint(tmp_path / "run") / "model.safetensors")
        weights.append({key: value for key, value in tensors.items() if key.startswith("video_discriminator")})
    assert weights[0] and all(torch.equal(weights[0][key], weights[1][key]) for key in weights[0])  # silent
    assert any(not torch.equal(weights[1][key], weights[2][key]) for key in weights[1])  # trained once heard
    rows = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    heard = [row["step"] for row in rows if "loss_D_video" in row]
    assert heard and min(heard) > 2 and all("loss_G_image" in row for row in rows if "loss_G_video" in row)


def test_a_silent_image_critic_is_not_run(tmp_path: Path, monkeypatch):
    import json

    from safetensors.torch import load_file

    from ganforge.models.mocogan import ImageDiscriminator
    from ganforge.objectives.mocogan import MoCoGANObjectiveConfig

    calls = []
    forward = ImageDiscriminator.forward
    monkeypatch.setattr(ImageDiscriminator, "forward", lambda self, *a: calls.append(1) or forward(self, *a))
    (tmp_path / "video.toml").write_text(TINY.replace("[train]", "[objective]\nimage_weight = 0\n[train]"))
    weights = []
    for steps in (1, 3):
        options = {"resume": True} if steps > 1 else {"seed": 0}
        train(str(tmp_path / "video.toml"), out=tmp_path / "run", steps=steps, device="cpu", progress=False, **options)
        tensors = load_file(latest_checkpoint(tmp_path / "run") / "model.safetensors")
        weights.append({key: value for key, value in tensors.items() if key.startswith("image_discriminator")})
    assert weights[0] and all(torch.equal(weights[0][key], weights[1][key]) for key in weights[0])
    rows = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert rows and all("loss_D_video" in row and "loss_D_image" not in row for row in rows)
    assert not calls  # not even scored: no wasted forward pass
    with pytest.raises(ValueError, match="video_start"):
        MoCoGANObjectiveConfig(image_weight=0.0, video_start=2)


def test_layered_frames_hold_the_sprites_and_move_them_in_bouncing_straight_lines():
    from ganforge.models.mocogan import LayeredVideoGenerator

    config = MoCoGANConfig(frame_generator="layers", sprite_channels=(8, 8), image_discriminator_channels=(8, 8, 8, 8),
                           video_discriminator_channels=(8, 8, 8, 8))
    generator = build(config)["generator"].eval()
    assert isinstance(generator, LayeredVideoGenerator)
    latent = generator.sample_latent(3, generator=torch.Generator().manual_seed(0))
    clips = generator(latent)
    assert clips.shape == (3, 1, 16, 64, 64) and clips.min() >= -1 and clips.max() <= 1
    content, motion = generator.split_latent(latent)
    ink, corners = generator.sprites(content), generator.places(motion)
    assert ink.shape == (3, 2, 1, 28, 28) and corners.shape == (3, 16, 2, 2)
    assert corners.min() >= 0 and corners.max() <= 36  # always wholly inside the frame
    # content and motion stay apart: another motion moves the same ink
    other = generator.sample_latent(3, generator=torch.Generator().manual_seed(1))
    other[:, :50] = latent[:, :50]
    torch.testing.assert_close(generator.sprites(generator.split_latent(other)[0]), ink)
    assert not torch.equal(generator.places(generator.split_latent(other)[1]), generator.places(motion))
    # a sprite placed at whole pixels is in the frame as drawn: frame 0 of clip 0 holds sprite 0's ink exactly
    with torch.no_grad():
        generator.turn.weight.zero_()
        generator.start.weight.zero_()
        generator.start.bias.fill_(-30.0)  # both sprites start in the top-left corner
        generator.velocity.weight.zero_()
        generator.velocity.bias.copy_(torch.tensor([0.5, 0.2, 0.5, 0.2]).atanh())  # then 3 px right, 1.2 down
        clips = generator(latent)
    frame0 = (clips[0, 0, 0] + 1) / 2
    expected = ink[0, :, 0].amax(0)
    torch.testing.assert_close(frame0[:28, :28], expected, atol=1e-4, rtol=0)
    assert frame0[28:].abs().max() < 1e-4 and frame0[:, 28:].abs().max() < 1e-4  # black elsewhere
    corners = generator.places(motion).detach()
    steps = corners[:, 1:] - corners[:, :-1]
    # a constant velocity: 3 px a frame until the right border (36), then back (the bounce), 1.2 px down throughout
    torch.testing.assert_close(steps[..., 1], torch.full_like(steps[..., 1], 1.2), atol=1e-4, rtol=0)
    x = corners[0, :, 0, 0]
    assert torch.allclose(x[:13], torch.arange(13.0) * 3, atol=1e-4) and x[13].item() == pytest.approx(36 - 3)


def test_a_layered_generator_can_start_at_rest_and_training_moves_it():
    """speed_prior 0: the sprites barely move before training (so motion is learned, not built in), and the
    base-velocity layer still gets gradients from a loss on the clips; the default prior moves them ~3-5 px."""
    def speed(generator, latent):
        corners = generator.places(generator.split_latent(latent)[1])
        return (corners[:, 1:] - corners[:, :-1]).norm(dim=-1).mean()

    small = {"frame_generator": "layers", "sprite_channels": (8, 8), "image_discriminator_channels": (8, 8, 8, 8),
             "video_discriminator_channels": (8, 8, 8, 8)}
    torch.manual_seed(0)
    at_rest = build(MoCoGANConfig(**small, speed_prior=0.0))["generator"]
    torch.manual_seed(0)
    default = build(MoCoGANConfig(**small))["generator"]
    latent = at_rest.sample_latent(32, generator=torch.Generator().manual_seed(0))
    assert speed(at_rest, latent) < 0.1 and 2.5 < speed(default, latent) < 6
    speed(at_rest, latent).backward()  # a loss that asks for motion reaches the base velocity
    assert at_rest.velocity.weight.grad.abs().sum() > 0
    with pytest.raises(ValueError, match="speed_prior"):
        MoCoGANConfig(**small, speed_prior=-1.0)


def test_a_layered_run_trains_and_animates(tmp_path: Path):
    (tmp_path / "layers.toml").write_text(TINY.replace("[model]", '[model]\nframe_generator = "layers"\n'
                                                                  "sprite_channels = [8, 8]"))
    train(str(tmp_path / "layers.toml"), out=tmp_path / "run", device="cpu", progress=False, seed=0)
    loaded = load_model_for("animate", "x", checkpoint=tmp_path / "run")
    clips = animate(loaded, 2, content_seed=3, motion_seed=5)
    assert clips.shape == (2, 16, 64, 64, 1) and clips.max() > clips.min()
    with pytest.raises(ValueError, match="sprite_size"):
        MoCoGANConfig(frame_generator="layers", sprite_channels=(8,))
    with pytest.raises(ValueError, match="frame_generator"):
        MoCoGANConfig(frame_generator="nope")


def test_layered_sprites_start_from_a_digit_gan_and_stay_frozen(tmp_path: Path):
    """MoCoGAN-HD's recipe: the shipped mnist-gan draws the sprites, frozen; only the motion trains."""
    from safetensors.torch import load_file

    from ganforge.models.io import load_network
    from ganforge.models.pretrained import WEIGHTS_DIR

    toml = TINY.replace("[model]", '[model]\nframe_generator = "layers"\nfreeze_sprites = true').replace(
        "content_dim = 6", "content_dim = 200").replace("[train]", '[train]\ninit_generator = "mnist-gan"')
    (tmp_path / "hd.toml").write_text(toml)
    train(str(tmp_path / "hd.toml"), out=tmp_path / "run", device="cpu", progress=False, seed=0)
    digits = load_network(WEIGHTS_DIR / "mnist-gan")
    tensors = load_file(latest_checkpoint(tmp_path / "run") / "model.safetensors")
    theirs = digits.generator.state_dict()
    for key, value in theirs.items():  # weights and batch-norm statistics unchanged by 4 steps
        torch.testing.assert_close(tensors[f"generator.sprite.{key}"].to(value.dtype), value, rtol=0, atol=0)
    assert not torch.equal(tensors["generator.velocity.weight"], build(MoCoGANConfig(
        frame_generator="layers", content_dim=200, motion_dim=4, motion_noise_dim=3))["generator"].velocity.weight)
    loaded = load_model_for("animate", "x", checkpoint=tmp_path / "run")
    z = torch.randn(2, 100, generator=torch.Generator().manual_seed(0))
    ink = loaded.generator.sprites(torch.cat([z[:1], z[1:]], 1))[0, :, 0]
    expected = (digits.generator(z) + 1) / 2 * loaded.generator.window
    torch.testing.assert_close(ink, expected[:, 0], atol=1e-5, rtol=0)
    (tmp_path / "bad.toml").write_text(toml.replace("content_dim = 200", "content_dim = 60"))
    with pytest.raises(GanforgeError, match="30 noise dimensions.*this one has 100"):
        train(str(tmp_path / "bad.toml"), out=tmp_path / "bad", device="cpu", progress=False, seed=0)


def test_the_moving_mnist_preset_starts_from_mnist_gans_digits(tmp_path: Path):
    from ganforge.models.io import load_network
    from ganforge.models.pretrained import WEIGHTS_DIR

    train("moving-mnist", out=tmp_path / "run", steps=1, batch_size=2, device="cpu", progress=False, seed=0)
    run = load_network(tmp_path / "run", use_ema=False)
    assert run.config.frame_generator == "layers" and run.config.freeze_sprites
    assert run.config.speed_prior == 0  # the digits start at rest: their motion is learned (docs/video.md)
    digits = load_network(WEIGHTS_DIR / "mnist-gan").generator.state_dict()
    mine = run.generator.sprite.state_dict()
    assert all(torch.equal(mine[key], value) for key, value in digits.items())


def test_the_video_critic_can_see_clips_blurred():
    from ganforge.objectives.mocogan import MoCoGANObjective, MoCoGANObjectiveConfig

    seen = {}

    def critic(clips):
        seen["clips"] = clips
        return clips.flatten(1).mean(1)

    clip = -torch.ones(1, 1, 16, 64, 64)
    clip[0, 0, :, 30, 40] = 1.0  # one white pixel in every frame, on black
    objective = MoCoGANObjective(MoCoGANObjectiveConfig(video_blur=2.0), MoCoGANConfig())
    objective._video_critic({"video_discriminator": critic}, clip)
    blurred = seen["clips"][0, 0, 5] + 1  # ink, 0 on black
    assert blurred.max() < 0.1 and blurred.sum().item() == pytest.approx(2.0, rel=1e-4)  # spread, ink kept
    assert blurred[30, 40] == blurred.max() and blurred[30, 44] > 0 and blurred[0, 0] == 0  # centred, black stays
    assert torch.allclose(blurred[30 - 3, 40], blurred[30 + 3, 40]) and blurred[30, 37] < blurred[30, 39]
    objective = MoCoGANObjective(MoCoGANObjectiveConfig(), MoCoGANConfig())
    objective._video_critic({"video_discriminator": critic}, clip)
    assert torch.equal(seen["clips"], clip)  # no blur by default
    with pytest.raises(ValueError, match="video_blur"):
        MoCoGANObjectiveConfig(video_blur=-1)
