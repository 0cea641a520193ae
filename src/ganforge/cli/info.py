"""Describe a checkpoint: each network layer by layer with output shapes, the step, the data, the config."""

from __future__ import annotations

import argparse
import json

import torch

from ganforge.config import config_from_dict
from ganforge.models import FAMILIES
from ganforge.models.io import MODEL_FILE, read_state, resolve_checkpoint, tensor_names
from ganforge.models.pretrained import WEIGHTS_DIR, list_pretrained
from ganforge.models.summary import format_table, layer_table

NAME = "info"
HELP = "show a checkpoint's architecture, step, data and config"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge info`."""
    parser.add_argument("checkpoint", help="a run folder, checkpoint folder, or shipped model name")


def describe(path: str) -> str:
    """The text `ganforge info` prints."""
    folder = resolve_checkpoint(WEIGHTS_DIR / path if path in list_pretrained() else path)
    state = read_state(folder)
    names = tensor_names(folder / MODEL_FILE)  # a damaged weights file is one line, before anything is built
    family = FAMILIES.get(state["family"])
    config = config_from_dict(family.config_class, state["model"], f"the model config of {folder}")
    networks = family.build(config)
    trained = f"   trained in: {state['precision']}" if state.get("precision") else ""  # absent before precision auto
    sections = [f"checkpoint: {folder}", f"family: {state['family']}   step: {state['step']}{trained}"]
    if family.example_inputs is not None:  # image-to-image: every network with an example input
        stored = {key.split(".", 1)[0] for key in names}
        for role, inputs in family.example_inputs(config).items():
            if role not in networks:  # a family without that network (an autoencoder has no discriminator)
                continue
            title = role if role in stored else f"{role} (architecture only: this file holds no weights for it)"
            sections.append(format_table(title, tuple(inputs[0].shape[1:]), layer_table(networks[role], *inputs)))
        sections.append("config: " + json.dumps(state.get("run", {"model": state["model"]}), indent=2))
        return "\n".join(sections)
    generator = networks[family.generator_role]
    batch = 2  # batch norm needs more than one sample per channel
    z = generator.sample_latent(batch)
    labels = torch.zeros(batch, dtype=torch.long) if family.num_classes(config) else None
    images = generator.eval()(z, labels)
    data = state.get("data", {})
    if data:
        sections.append(f"data: {data.get('name')} ({data.get('num_images')} images of {data.get('image_shape')}, "
                        f"{data.get('num_classes')} classes)")
    sections.append(format_table("generator", tuple(z.shape[1:]), layer_table(generator, z, labels)))
    if "discriminator" in networks:
        stored = any(key.startswith("discriminator.") for key in names)
        title = "discriminator" if stored else "discriminator (architecture only: this file holds no weights for it)"
        discriminator = networks["discriminator"]
        sections.append(format_table(title, tuple(images.shape[1:]), layer_table(discriminator, images, labels)))
    sections.append("config: " + json.dumps(state.get("run", {"model": state["model"]}), indent=2))
    return "\n".join(sections)


def run(args: argparse.Namespace) -> None:
    """Print the description."""
    print(describe(args.checkpoint))
