"""Frozen-dataclass configs: build them from dicts/TOML strictly, turn them back into JSON."""

from __future__ import annotations

import dataclasses
import math
import tomllib
import typing
from pathlib import Path
from typing import Any, TypeVar

from ganforge.errors import GanforgeError
from ganforge.registry import did_you_mean

C = TypeVar("C")


def config_from_dict(cls: type[C], data: dict[str, Any], where: str) -> C:
    """Build dataclass `cls` from `data`; unknown keys and wrong types are user errors.

    `where` names the section for messages, e.g. "[model] in run.toml".
    """
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    hints = typing.get_type_hints(cls)
    values = {}
    for key, value in data.items():
        if key not in fields:
            raise GanforgeError(
                f"unknown key '{key}' in {where}{did_you_mean(key, list(fields))}; "
                f"valid keys: {', '.join(fields)}"
            )
        values[key] = _coerce(value, hints[key], f"'{key}' in {where}")
    try:
        return cls(**values)
    except (TypeError, ValueError) as error:
        raise GanforgeError(f"invalid {where}: {error}") from None


def _coerce(value: Any, hint: Any, what: str) -> Any:
    """Convert TOML/JSON values to the annotated type (lists -> tuples, ints -> floats)."""
    origin = typing.get_origin(hint)
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise GanforgeError(f"{what} must be a list, got {value!r}")
        (item_hint, *_) = typing.get_args(hint) or (Any,)
        return tuple(_coerce(v, item_hint, what) for v in value)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint is float and isinstance(value, float) and not math.isfinite(value):
        raise GanforgeError(f"{what} must be a finite number, got {value!r}")
    # bool is an int subclass in Python, but `steps = true` is a typo, not a number
    if hint in (int, float, str, bool) and (not isinstance(value, hint) or (hint is not bool and isinstance(value, bool))):
        raise GanforgeError(f"{what} must be {hint.__name__}, got {value!r}")
    return value


def config_to_dict(config: Any) -> dict[str, Any]:
    """A JSON-ready dict of a dataclass config (tuples become lists)."""
    return {
        key: list(value) if isinstance(value, tuple) else value
        for key, value in dataclasses.asdict(config).items()
    }


def load_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file, turning a missing file or a syntax error into a user error."""
    path = Path(path)
    if not path.is_file():
        raise GanforgeError(f"config file {path} does not exist; pass a preset name or a .toml path")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise GanforgeError(f"{path} is not UTF-8 text; save it as UTF-8 (TOML files must be)") from None
    except tomllib.TOMLDecodeError as error:
        raise GanforgeError(f"{path} is not valid TOML ({error}); fix the syntax") from None
