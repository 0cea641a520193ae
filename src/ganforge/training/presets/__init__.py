"""The presets (`ganforge train PRESET`), one module per family; importing this package registers them all in
ganforge.training.config.PRESETS. A new family's presets are a module here and a name in the list below."""

from ganforge.training.presets import (  # noqa: F401 (each module registers its presets)
    anomaly,
    cyclegan,
    dcgan,
    mocogan,
    musegan,
    pix2pix,
    srgan,
    stylegan2,
    textgan,
    wavegan,
)
