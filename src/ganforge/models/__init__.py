"""Model families: pure nn.Modules plus one config dataclass each. Each family module declares itself
(`DECLARED_FAMILIES`, instances of the contract in models/family.py); FAMILY_MODULES is the one list that
registers them."""

from __future__ import annotations

from ganforge.models import anomaly, cyclegan, dcgan, mocogan, musegan, pix2pix, srgan, stylegan2, textgan, wavegan
from ganforge.models.family import CAPABILITIES, CYCLE, STYLE, TASKS, Family
from ganforge.models.fitting import TranslationShape
from ganforge.registry import Registry

# the family modules, each ending with its DECLARED_FAMILIES; a new family is a module here (docs/architecture.md)
FAMILY_MODULES = (dcgan, cyclegan, pix2pix, srgan, anomaly, stylegan2, wavegan, textgan, musegan, mocogan)

FAMILIES: Registry[Family] = Registry("model family")
for _module in FAMILY_MODULES:
    for _family in _module.DECLARED_FAMILIES:
        FAMILIES.register(_family.name, _family)

__all__ = ["CAPABILITIES", "CYCLE", "FAMILIES", "FAMILY_MODULES", "STYLE", "TASKS", "Family", "TranslationShape"]
