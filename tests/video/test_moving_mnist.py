"""Moving MNIST made from real digits: the rules of the clips, the fixed held-out clips of held-out digits,
and the tracker that measures real and generated clips alike."""

from __future__ import annotations

import numpy as np
import pytest

from ganforge.data import load_training_data
from ganforge.data.mnist5k import load_mnist5k
from ganforge.data.moving_mnist import DIGIT, FRAMES, SIDE, SPEED, bounce, load_moving_mnist
from ganforge.errors import GanforgeError
from ganforge.metrics.video import measure_clips, track


def test_clips_follow_the_rules_and_are_the_same_every_time():
    data = load_moving_mnist("train", clips=50)
    clips, labels = data.batch(np.arange(4))
    assert clips.shape == (4, 1, FRAMES, SIDE, SIDE) and labels is None
    assert -1 <= clips.min() and clips.max() <= 1
    np.testing.assert_array_equal(data.clip(3).frames, load_moving_mnist("train", clips=50).clip(3).frames)
    for index in range(20):
        clip = data.clip(index)
        steps = np.linalg.norm(np.diff(clip.centres, axis=0), axis=2)  # (T-1, 2)
        assert (clip.centres >= DIGIT / 2 - 0.5).all() and (clip.centres <= SIDE - DIGIT / 2 + 0.5).all()
        assert steps.max() <= SPEED[1] + 1  # rounding to pixels adds at most a pixel
        assert (clip.frames.reshape(FRAMES, -1).max(1) > 200).all()  # digits in every frame


def test_bouncing_reverses_the_velocity_at_both_borders():
    assert bounce(1.0, -3.0, 36.0) == (2.0, 3.0)
    assert bounce(35.0, 3.0, 36.0) == (34.0, -3.0)
    assert bounce(10.0, 2.0, 36.0) == (12.0, 2.0)


def test_held_out_clips_are_made_of_held_out_digits_only():
    held = load_moving_mnist("heldout", clips=30)
    train = load_mnist5k("train").images[..., 0]
    train_keys = {digit.tobytes() for digit in train}
    assert not any(digit.tobytes() in train_keys for digit in held.digits)
    assert len(load_moving_mnist("heldout")) == 1000
    assert load_training_data("video", "moving-mnist", "heldout").image_shape == (1, FRAMES, SIDE, SIDE)
    with pytest.raises(GanforgeError, match="learn from moving-mnist"):
        load_training_data("video", "mnist-5k")


def test_the_tracker_finds_real_digits_and_reads_them():
    data = load_moving_mnist("heldout", clips=60)
    errors = []
    for index in range(60):
        clip = data.clip(index)
        found = track(clip.frames)
        errors.append(min(np.linalg.norm(found - clip.centres, axis=2).mean(),
                          np.linalg.norm(found[:, ::-1] - clip.centres, axis=2).mean()))
    assert np.median(errors) < 3  # pixels, on 64x64 frames
    measures = measure_clips(np.stack([data.clip(i).frames for i in range(60)]))
    assert measures["identity_kept"] > 0.7 and measures["legibility"] > 0.9
    assert SPEED[0] - 1 < measures["speed_mean"] < SPEED[1] and measures["jump_share"] < 0.02
    # frames shuffled in time: the same digits, but their centres jump about
    shuffled = np.stack([data.clip(i).frames[np.random.default_rng(i).permutation(FRAMES)] for i in range(60)])
    assert measure_clips(shuffled)["speed_mean"] > measures["speed_mean"] + 3
