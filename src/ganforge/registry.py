"""A name -> object registry that explains itself when a name is unknown."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Generic, TypeVar

from ganforge.errors import GanforgeError

T = TypeVar("T")


def did_you_mean(name: str, choices: list[str]) -> str:
    """' (did you mean 'x'?)' when a close match exists, else ''."""
    close = difflib.get_close_matches(name, choices, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


class Registry(Generic[T]):
    """Objects registered under unique names, e.g. model families or datasets."""

    def __init__(self, kind: str):
        self.kind = kind  # what the entries are, for error messages: "preset", "dataset"...
        self._entries: dict[str, T] = {}

    def register(self, name: str, entry: T) -> T:
        """Add `entry` under `name`; a name can be registered only once."""
        if name in self._entries:
            raise ValueError(f"{self.kind} '{name}' is already registered")
        self._entries[name] = entry
        return entry

    def get(self, name: str) -> T:
        """The entry for `name`, or a GanforgeError listing the known names."""
        if name not in self._entries:
            known = ", ".join(sorted(self._entries))
            raise GanforgeError(
                f"unknown {self.kind} '{name}'{did_you_mean(name, list(self._entries))}; "
                f"choose one of: {known}"
            )
        return self._entries[name]

    def __contains__(self, name: str) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._entries))

    def items(self) -> list[tuple[str, T]]:
        """(name, entry) pairs sorted by name."""
        return sorted(self._entries.items())
