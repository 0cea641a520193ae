"""Crash-safe file writing: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Self

from ganforge.errors import GanforgeError


def fsync_dir(path: Path) -> None:
    """Flush a directory entry so a rename inside it survives a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call `write(tmp_path)`, fsync it, then rename it over `path` in one step."""
    path = Path(path)
    ensure_writable_dir(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise GanforgeError(f"cannot write {path} ({error.strerror}); choose another output path") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        os.chmod(tmp_path, 0o666 & ~umask())  # mkstemp makes 0600; give the usual permissions
        with open(tmp_path, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp_path, path)
        fsync_dir(path.parent)
    finally:
        tmp_path.unlink(missing_ok=True)
    return path


def staging_dir(parent: str | Path, prefix: str) -> Path:
    """A new hidden folder in `parent` to write into before a rename, with the permissions the user's
    umask gives any folder (mkdtemp's 0700 would survive the rename)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    os.chmod(folder, 0o777 & ~umask())
    return folder


def staging_for(out: str | Path) -> Path:
    """A staging folder beside `out` (hidden, named after it), after removing those that killed writes of
    the same `out` left behind."""
    out = Path(out)
    ensure_writable_dir(out.parent)
    for leftover in out.parent.glob(f".{out.name}.tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    return staging_dir(out.parent, f".{out.name}.tmp-")


def publish_folder(staging: Path, out: str | Path, order: tuple[str, ...] = ()) -> None:
    """Move what `staging` holds to `out`: in one rename when `out` is new or empty, else file by file
    (`order` first, the rest after), so a kill at any instant leaves either nothing or whole files."""
    out = Path(out)
    fsync_dir(staging)
    if out.is_dir() and not any(out.iterdir()):
        out.rmdir()
    if not out.exists():
        os.rename(staging, out)
        fsync_dir(out.parent)
        return
    names = [*order, *sorted(p.name for p in staging.iterdir() if p.name not in order)]
    for name in names:
        os.replace(staging / name, out / name)
    fsync_dir(out)
    shutil.rmtree(staging, ignore_errors=True)


def umask() -> int:
    """The process umask (read without changing it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write a text file atomically."""
    return atomic_write(path, lambda tmp: tmp.write_text(text))


def is_disk_full(error: BaseException) -> bool:
    """Whether `error` says the disk (or quota) is full: an OSError with ENOSPC / EDQUOT, or safetensors'
    own error, which is not an OSError but carries the OS error's code in its message."""
    if isinstance(error, OSError):
        return error.errno in (errno.ENOSPC, errno.EDQUOT)
    text = str(error)
    return type(error).__name__ == "SafetensorError" and any(
        mark in text for mark in ("No space left", "StorageFull", f"code: {errno.ENOSPC}", "Disk quota exceeded"))


def ensure_writable_dir(path: str | Path) -> Path:
    """Create `path` if needed; a user error if it cannot be created or written."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise GanforgeError(f"{path} is a file, not a folder; choose a writable --out (a folder)")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GanforgeError(
            f"cannot create output folder {path} ({error.strerror}); choose a writable --out"
        ) from None
    if not os.access(path, os.W_OK):
        raise GanforgeError(f"output folder {path} is not writable; choose a writable --out")
    return path


def file_digest(path: str | Path, algorithm: str) -> str:
    """Hex digest ('md5', 'sha256', ...) of a file, read in 1 MiB chunks."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


LOCK_FILE = ".lock"


class FolderLock:
    """An exclusive claim on a folder for one process (a training run): `<folder>/.lock` holds the
    owner's PID and host. A second claim while the owner lives is refused in one line naming it; a
    lock left by a process that died (same host, PID gone) is taken over, and the caller told so."""

    def __init__(self, folder: str | Path, what: str = "training", name: str = LOCK_FILE):
        self.path = Path(folder) / name
        self.what = what
        self.took_over: int | None = None  # PID of the dead owner whose stale lock was replaced
        self._held = False

    def acquire(self) -> FolderLock:
        """Claim the folder or raise GanforgeError."""
        ensure_writable_dir(self.path.parent)
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                owner = self._owner()
                if owner is not None and _alive(*owner):
                    raise GanforgeError(
                        f"{self.path.parent} is in use by another {self.what} (PID {owner[0]} on {owner[1]}); wait for "
                        f"it to end, stop it, or choose another --out (if no such process runs, delete {self.path})"
                    ) from None
                self.took_over = owner[0] if owner else -1
                self.path.unlink(missing_ok=True)  # stale: its process is gone
                continue
            with os.fdopen(fd, "w") as handle:
                handle.write(f"{os.getpid()} {socket.gethostname()}\n")
            self._held = True
            return self
        raise GanforgeError(f"could not lock {self.path.parent}; another process keeps claiming it")

    def _owner(self) -> tuple[int, str] | None:
        try:
            pid, host = self.path.read_text().split()
            return int(pid), host
        except (OSError, ValueError):
            return None  # unreadable or torn: treated as stale

    def release(self) -> None:
        """Give the folder up (only if this process holds it)."""
        if self._held:
            self.path.unlink(missing_ok=True)
            self._held = False

    def __enter__(self) -> Self:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _alive(pid: int, host: str) -> bool:
    """Whether process `pid` runs (a lock from another host is assumed alive: we cannot tell)."""
    if host != socket.gethostname():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def refuse_overwriting(out: str | Path, inputs: Iterable[str | Path] = (), *, output_name: Callable[[Path], str]
                       | None = None) -> None:
    """Refuse, in one line, an output folder that would overwrite what the user has: one of the
    inputs (the same folder, or the very file when `output_name(input)` names it), or a ganforge
    checkpoint or run folder (its state.json / model.safetensors / checkpoints/ / latest)."""
    target = Path(out).expanduser().resolve()
    if target.exists() and not target.is_dir():
        raise GanforgeError(f"--out {out} is a file, not a folder; choose a folder for the results")
    for source in inputs:
        source = Path(source).expanduser().resolve()
        if source.is_dir() and source == target:
            raise GanforgeError(f"--out {out} is the input folder: the results would overwrite the inputs; "
                                "choose another --out")
        if source.is_file() and output_name is not None and target / output_name(source) == source:
            raise GanforgeError(f"--out {out} would overwrite the input {source.name}; choose another --out")
    markers = ("state.json", "model.safetensors", "checkpoints", "latest")
    if target.is_dir() and any((target / name).exists() for name in markers):
        raise GanforgeError(f"--out {out} holds a ganforge model or run, which would be overwritten; choose another "
                            "--out (an empty or new folder)")
