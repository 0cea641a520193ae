"""Class-keeping and holding walks of `ganforge edit`: --keep-class, --hold, --until and their pacing."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from test_editing import tiny_dcgan

from ganforge.apps import edit as edit_module
from ganforge.apps.directions import (
    Direction,
    class_reader,
    find_directions,
    read_classes,
    render,
    save_directions,
)
from ganforge.apps.edit import (
    Until,
    edit,
    edited,
    holding_walk,
    parse_until,
)
from ganforge.apps.generate import load_model
from ganforge.apps.latent import LatentGenerator
from ganforge.errors import GanforgeError
from ganforge.metrics.attributes import slant, soft_slant, soft_thickness, thickness
from ganforge.metrics.classifier import to_classifier_size


def test_a_class_keeping_edit_moves_the_stroke_and_keeps_the_digit():
    model = LatentGenerator(load_model(model="mnist-gan"))
    direction = find_directions(model, "attribute", attributes=("thickness", "slant"), seed=0).get("thickness")
    latents = model.random_z(24, seed=3)
    reader = class_reader(model)
    span = model.parse_layers(None)
    start = render(model, latents, None)
    with torch.no_grad():
        straight, _ = edited(model, latents, "z", direction, 4.0, span)
    kept, space = holding_walk(model, latents, "z", None, direction, 4.0, span, reader=reader)
    assert space == "z" and kept.shape == latents.shape
    classes = read_classes(model, start)
    straight_images, kept_images = render(model, straight, None), render(model, kept, None)
    # the class-keeping walk keeps more digits what they were than the straight line does ...
    assert (read_classes(model, kept_images) == classes).float().mean() > (
        read_classes(model, straight_images) == classes).float().mean() + 0.1
    # ... and still thickens them

    assert np.nanmean(thickness(kept_images) - thickness(start)) > 0.3
    with pytest.raises(GanforgeError, match="--keep-class"):
        edit(tiny_dcgan(), "x.safetensors:a", [1.0], seeds=[1], keep_class=True)


def test_holding_an_attribute_keeps_it_while_the_other_moves():
    model = LatentGenerator(load_model(model="mnist-gan"))
    direction = find_directions(model, "attribute", attributes=("thickness", "slant"), seed=0).get("slant")
    latents = model.random_z(24, seed=4)
    span = model.parse_layers(None)
    start = render(model, latents, None)
    with torch.no_grad():
        straight, _ = edited(model, latents, "z", direction, 4.0, span)
    held, _ = holding_walk(model, latents, "z", None, direction, 4.0, span, hold=("thickness",))
    straight_images, held_images = render(model, straight, None), render(model, held, None)
    drift = lambda images: np.nanmean(np.abs(thickness(images) - thickness(start)))
    # the stroke width moves less than on the straight line, by a margin ...
    assert drift(held_images) < 0.7 * drift(straight_images)
    # ... and the slant still moves the asked way
    assert np.nanmean(slant(held_images) - slant(start)) > 0.5 * np.nanmean(slant(straight_images) - slant(start))
    # holding nothing at all is the straight line
    assert torch.equal(holding_walk(model, latents, "z", None, direction, 4.0, span)[0], straight)


def test_the_corrector_pulls_the_measured_attribute_back(monkeypatch):
    model = LatentGenerator(load_model(model="mnist-gan"))
    direction = find_directions(model, "attribute", attributes=("thickness", "slant"), seed=0).get("slant")
    latents = model.random_z(24, seed=4)
    span = model.parse_layers(None)
    start = thickness(render(model, latents, None))

    def drift() -> float:
        held, _ = holding_walk(model, latents, "z", None, direction, 4.0, span, hold=("thickness",))
        return float(np.nanmean(np.abs(thickness(render(model, held, None)) - start)))

    corrected = drift()
    monkeypatch.setattr(edit_module, "HOLD_CORRECTION", 0.0)  # the stand-in's projection alone
    assert corrected < 0.8 * drift()


def test_an_until_walk_stops_each_image_once_its_attribute_moved_enough():
    model = LatentGenerator(load_model(model="mnist-gan"))
    direction = find_directions(model, "attribute", attributes=("thickness", "slant"), seed=0).get("slant")
    latents = model.random_z(24, seed=4)
    span = model.parse_layers(None)
    before = slant(render(model, latents, None))
    amount = 0.5 * np.nanstd(before)
    for sign in (-1.0, 1.0):
        with torch.no_grad():
            straight, _ = edited(model, latents, "z", direction, sign * 8.0, span)
        walked, _ = holding_walk(model, latents, "z", None, direction, sign * 8.0, span, until=Until("slant", amount))
        straight_change = (slant(render(model, straight, None)) - before) * sign
        change = (slant(render(model, walked, None)) - before) * sign
        reached = change >= amount
        assert reached.mean() > 0.8  # most digits lean `amount` more well before the end of the line ...
        assert np.mean(change[reached]) < 0.6 * np.mean(straight_change[reached])  # ... and stop there
        # the others walked the whole line (to the float rounding of 24 sub-steps)
        assert torch.allclose(walked[~reached], straight[~reached], atol=1e-4)
    assert parse_until("slant=0.5", model, on_note=lambda _: None).attribute == "slant"


def test_an_until_walk_counts_the_way_a_direction_that_lowers_its_attribute_moves_it():
    # a closed-form direction's sign is arbitrary: the same line, turned round with its effect, must stop
    # each image exactly where the original stops it at the opposite strength
    model = LatentGenerator(load_model(model="mnist-gan"))
    direction = find_directions(model, "attribute", attributes=("thickness", "slant"), seed=0).get("slant")
    turned = Direction(direction.name, direction.method, direction.scale,
                       {k: -v for k, v in direction.effect.items()}, -direction.vector)
    latents = model.random_z(16, seed=4)
    span = model.parse_layers(None)
    amount = 0.5 * np.nanstd(slant(render(model, latents, None)))
    for sign in (-1.0, 1.0):
        walked, _ = holding_walk(model, latents, "z", None, direction, sign * 8.0, span, until=Until("slant", amount))
        walked_turned, _ = holding_walk(model, latents, "z", None, turned, -sign * 8.0, span,
                                        until=Until("slant", amount))
        assert torch.allclose(walked, walked_turned, atol=1e-5)
        with torch.no_grad():
            straight, _ = edited(model, latents, "z", direction, sign * 8.0, span)
        assert not torch.allclose(walked, straight, atol=1e-3)  # the walk did stop images early


def test_a_paced_walk_moves_the_stand_in_as_the_straight_line_does_while_holding():
    # the walk's whole length (an until it never reaches): holding the class and slant eats some of the
    # thickness the straight line would give; pacing gives it back, and slant stays held
    model = LatentGenerator(load_model(model="mnist-gan"))
    direction = find_directions(model, "attribute", attributes=("thickness", "slant"), seed=0).get("thickness")
    latents, span, reader = model.random_z(16, seed=5), model.parse_layers(None), class_reader(model)

    def soft(moved: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
        with torch.no_grad():
            images = to_classifier_size(model.render(moved, "z", None))
        return soft_thickness(images).numpy(), soft_slant(images).numpy()

    thick, lean = soft(latents)
    for strength in (-2.0, 2.0):
        with torch.no_grad():
            straight = soft(edited(model, latents, "z", direction, strength, span)[0])
        ratios, drifts = {}, {}
        for pace in (False, True):
            walked = soft(holding_walk(model, latents, "z", None, direction, strength, span, reader=reader,
                                       hold=("slant",), until=Until("thickness", 100.0), pace=pace)[0])
            ratios[pace] = np.median((walked[0] - thick) / (straight[0] - thick))
            drifts[pace] = np.mean(np.abs(walked[1] - lean))
        assert ratios[True] > 0.9 and ratios[True] > ratios[False] + 0.03, (strength, ratios)
        assert drifts[True] < 0.2 * np.mean(np.abs(straight[1] - lean)), (strength, drifts)



def test_an_until_on_an_attribute_without_a_stand_in_walks_unpaced_while_holding():
    # width has no differentiable stand-in: a walk that holds the class stops on measured width, unpaced
    model = LatentGenerator(load_model(model="mnist-gan"))
    direction = find_directions(model, "attribute", attributes=("thickness", "slant"), seed=0).get("thickness")
    latents, span, reader = model.random_z(8, seed=6), model.parse_layers(None), class_reader(model)
    walks = [holding_walk(model, latents, "z", None, direction, 3.0, span, reader=reader,
                          until=Until("width", 0.5), pace=pace)[0] for pace in (True, False)]
    assert torch.equal(walks[0], walks[1]) and not torch.equal(walks[0], latents)

def test_hold_refuses_what_it_cannot_hold(tmp_path):
    model = LatentGenerator(load_model(model="mnist-gan"))
    directions = find_directions(model, "attribute", attributes=("thickness", "slant"), seed=0)
    file = save_directions(directions, tmp_path / "dirs.safetensors")
    for hold, message in (("colour", "can hold slant, thickness"), ("thickness", "cancel the thickness edit")):
        with pytest.raises(GanforgeError, match=message):
            edit(model, f"{file}:thickness", [1.0], seeds=[1], hold=hold)
    for until, message in (("colour=1", "measures height, slant, thickness, width"), ("slant=x", "a number in"),
                           ("slant=-1", "a number in"), ("slant", "a number in")):
        with pytest.raises(GanforgeError, match=message):
            edit(model, f"{file}:thickness", [1.0], seeds=[1], until=until)
