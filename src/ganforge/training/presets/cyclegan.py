"""Presets of the cyclegan family: the paper's CycleGAN, digit styles, and real photos (faces, pets)."""

from __future__ import annotations

import dataclasses

from ganforge.data import PreprocessConfig
from ganforge.models.cyclegan import CycleGANConfig
from ganforge.objectives.cyclegan import CycleGANObjectiveConfig
from ganforge.training.config import PRESETS, Preset, RunConfig, TrainConfig
from ganforge.training.presets.common import PAPER_CROPS, PAPER_TRAIN, TRANSLATION_TRAIN

PRESETS.register(
    "cyclegan",
    Preset(
        "CycleGAN of Zhu et al.: 9-block ResNet generators, 70x70 PatchGANs, 286 -> 256 crops, batch 1; needs --data "
        "with trainA/ trainB/",
        RunConfig("cyclegan", "", CycleGANConfig(), CycleGANObjectiveConfig(), PAPER_TRAIN, "cyclegan", PAPER_CROPS),
    ),
)
PRESETS.register(
    "cyclegan-digits",
    Preset(
        "CycleGAN demo: real digits <-> bold inverted digits (digit-styles, unpaired, 32x32), small networks",
        # 4 residual blocks instead of the paper's 6 at <= 128 px: 32x32 digits need less depth on 2 CPU cores
        RunConfig("cyclegan", "digit-styles",
                  CycleGANConfig(generator_width=16, residual_blocks=4, discriminator_width=16, discriminator_layers=2),
                  CycleGANObjectiveConfig(),
                  TrainConfig(steps=2000, batch_size=8, sample_every=250, **TRANSLATION_TRAIN),
                  "cyclegan-digits", PreprocessConfig(flip=False)),
    ),
)
# unpaired translation of real photos (issue 46): two domains made from labels or two folders (data/domains.py).
# On a CPU: 64x64 (the faces' and pets' photos made square and resized once, through the decoded cache), the
# paper's 6-block generator for <= 128 px at half its widths, batch 4 (more images/s than the paper's batch 1
# on a CPU core). Sexes of adults only: the face judge reads children's sex poorly (docs/faces.md).
# faces-sex and cats2dogs upsample by nearest x2 + conv3: at 3,000 steps of faces-age it cut the distance to
# real faces by a third (FID to the real targets 127 / 138 against 184 / 181 with transposed convs) for as large a
# share read as the target age (docs/translation.md). faces-age keeps the paper's: its shipped weights used them.
_PHOTO_CYCLEGAN = CycleGANConfig(generator_width=32, residual_blocks=6, discriminator_width=32)
_PHOTO_UPSAMPLE = {"faces-age": "transposed", "faces-sex": "resize", "cats2dogs": "resize"}
_PHOTO_CYCLE_TRAIN = TrainConfig(steps=20_000, batch_size=4, sample_every=500, checkpoint_every=500,
                                 **TRANSLATION_TRAIN)
_PHOTO_DOMAINS = {
    "faces-age": ("utkface:age>=18&age<=29,age>=50", "young adults (18-29) <-> over 50, UTKFace faces"),
    "faces-sex": ("utkface:age>=18&sex=male,age>=18&sex=female", "men <-> women (adults), UTKFace faces"),
    "cats2dogs": ("cats-dogs", "cats <-> dogs, the team's 8,000 pet photos (../shared/data/cats-dogs)"),
}
for _name, (_data, _what) in _PHOTO_DOMAINS.items():
    PRESETS.register(
        _name,
        Preset(f"CycleGAN {_what}: 64x64 on a CPU, 6 residual blocks of half width, batch 4",
               RunConfig("cyclegan", _data, dataclasses.replace(_PHOTO_CYCLEGAN, upsample=_PHOTO_UPSAMPLE[_name]),
                         CycleGANObjectiveConfig(), _PHOTO_CYCLE_TRAIN, _name,
                         PreprocessConfig(load_size=64))),
    )
    PRESETS.register(  # the paper's networks and schedule; the sources are 200 (faces) and 180 px (pets) photos
        f"{_name}-256",
        Preset(f"CycleGAN {_what} at 256x256 (286 -> 256 crops of photos enlarged from about 200 px), the paper's "
               "networks and schedule: for a GPU",
               RunConfig("cyclegan", _data, CycleGANConfig(), CycleGANObjectiveConfig(), PAPER_TRAIN, f"{_name}-256",
                         PAPER_CROPS)),
    )
