"""The photo folder the paper-size SRResNet was trained on (docs/super-resolution.md, issue 48): the team's 68
CBSD68 and 80 Sun-Hays photos (../shared/data; not part of the package) copied byte for byte into OUT/train (132)
and OUT/test (16 held out, never trained on: the fixed list below, 8 of each set, drawn once at random), each
named SET-FILE, with the run's TOML beside them:

    python bench/weights/make_sr_data.py --out runs/sr-data
    OMP_NUM_THREADS=1 ganforge train runs/sr-data/srresnet-x4-paper.toml --data runs/sr-data --out runs/srresnet-paper \\
        --seed 0 --threads 1 --precision bf16
    OMP_NUM_THREADS=1 ganforge train runs/sr-data/srgan-x4-paper.toml --data runs/sr-data --out runs/srgan-paper \
        --init-generator runs/srresnet-paper --seed 0 --threads 1 --precision bf16
    # a further cycle from the shipped weights (run to step 8,500: +0.05 dB on Set5, not shipped; docs/super-resolution.md;
    # about 0.43 steps/s fp32 on an AMD EPYC core, 1.7 bf16 on a Xeon core with AMX; --precision auto picks)
    OMP_NUM_THREADS=1 ganforge train runs/sr-data/srresnet-x4-paper-stage2.toml --data runs/sr-data \
        --out runs/srresnet-paper-stage2 --seed 0 --threads 1 --precision auto
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from ganforge.data.photos import PHOTO_SETS, shared_data_dir

HELDOUT = (
    "cbsd68/108070.png", "cbsd68/123074.png", "cbsd68/130026.png", "cbsd68/145086.png", "cbsd68/170057.png",
    "cbsd68/19021.png", "cbsd68/229036.png", "cbsd68/285079.png",
    "sun-hays80/burial_chamber_sun_bbsqijdywpmqtdtj.jpg", "sun-hays80/dam_sun_dftjwmsvenfxhiub.jpg",
    "sun-hays80/fastfood_restaurant_sun_aubvtrshvuxssmgr.jpg", "sun-hays80/hayfield_sun_basrkemwvzeyolvk.jpg",
    "sun-hays80/hot_spring_sun_bsdttuvtvmldclgs.jpg", "sun-hays80/mosque_outdoor_sun_ajpzxaexxhxeujve.jpg",
    "sun-hays80/pasture_sun_bbqhimmwjfjzmmrw.jpg", "sun-hays80/pond_sun_bvywucwhkqqwicrw.jpg",
)
# SRResNet as published (16 residual blocks of 64 channels), with the preset's bicubic skip; the paper's Adam 1e-4
# (the preset's 5e-4 diverged at this size: docs/super-resolution.md); inputs shrunk by MATLAB's imresize
TOML = """preset = "srresnet-x4"

[model]
generator_width = 64
residual_blocks = 16

[train]
steps = 20000
lr_generator = 1e-4
checkpoint_every = 500

[preprocess]
kernel = "matlab"
"""

# a second cycle of the same schedule's shape from the shipped weights (a warm restart, as SGDR): Adam 1e-4 held
# for 40 % of the steps, then decayed linearly to 0; started from `srresnet-x4-paper` itself, so each session
# can add a cycle to what shipped before (the optimiser's moments start afresh)
STAGE2_TOML = """preset = "srresnet-x4"

[model]
generator_width = 64
residual_blocks = 16

[train]
steps = 11000
lr_generator = 1e-4
lr_decay_start = 0.4
checkpoint_every = 500
init_generator = "srresnet-x4-paper"

[preprocess]
kernel = "matlab"
"""

# SRGAN fine-tuned from that SRResNet (its generator, --init-generator): the srgan-x4 preset's losses (0.1 MSE +
# 0.01 Inception-feature content + 1e-3 adversarial) at the paper's generator size; the discriminator stays the
# preset's 32 wide (the paper's is 64): --init-generator needs the SRResNet run's [model] settings unchanged
SRGAN_TOML = """preset = "srgan-x4"

[model]
generator_width = 64
residual_blocks = 16

[train]
steps = 2000
checkpoint_every = 250

[preprocess]
kernel = "matlab"
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="a new folder")
    args = parser.parse_args()
    shared = shared_data_dir()
    if shared is None:
        raise SystemExit("needs ../shared/data with cbsd68/ and sun-hays80/ (or set GANFORGE_SHARED_DATA)")
    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} is not empty; give a new folder")
    counts = {"train": 0, "test": 0}
    for name in PHOTO_SETS:
        for photo in sorted((shared / name).iterdir()):
            split = "test" if f"{name}/{photo.name}" in HELDOUT else "train"
            (out / split).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(photo, out / split / f"{name}-{photo.name}")
            counts[split] += 1
    (out / "srresnet-x4-paper.toml").write_text(TOML)
    (out / "srgan-x4-paper.toml").write_text(SRGAN_TOML)
    (out / "srresnet-x4-paper-stage2.toml").write_text(STAGE2_TOML)
    print(f"wrote {counts['train']} training and {counts['test']} held-out photos, srresnet-x4-paper.toml, "
          f"srresnet-x4-paper-stage2.toml and srgan-x4-paper.toml to {out}")


if __name__ == "__main__":
    main()
