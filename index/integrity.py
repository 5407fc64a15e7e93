"""Keeping the cache honest: content checksums, one builder at a time, no leftovers.

- `checksums` records a folder's files by SHA-256 when it is built; `first_damaged` names the
  first file whose content no longer matches. The model's files weigh 560 MB and hashing them
  takes about half a second, so a folder may keep `.verified.json`: each file's size and
  modification time when its content was last found right. A file with both unchanged is not read
  again. Any write changes them and is caught; a change that keeps both (bit rot under an
  unchanged mtime) is not.
- `build_lock` serialises builders of one cache directory across processes (an advisory file
  lock); `clear_leftovers`, called under it, removes what interrupted builders left (`.tmp-*`,
  `*.old`), since no live builder can own them then.
- `CacheError` says which directory cannot be written and how to choose another;
  `write_atomically` writes a file under a temporary name and renames it into place.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

TRUSTED_FILE = ".verified.json"


class CacheError(OSError):
    """The cache directory cannot be written (read-only, full, not a directory)."""


def cache_error(directory: Path, exc: OSError) -> CacheError:
    why = exc.strerror or str(exc)
    return CacheError(f"cannot write to the cache {directory} ({why}); free space there or set "
                      "ARTICLE_QA_CACHE to a writable directory")


def write_atomically(target: Path, write: Callable[[str], None]) -> None:
    """Call `write(temporary path)` beside `target`, then rename it into place: a crash leaves
    the old file or the new one, never half of one (and no temporary file, unless killed)."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksums(folder: Path, names: list[str]) -> dict[str, str]:
    return {name: sha256_of(folder / name) for name in names}


def first_damaged(folder: Path, recorded: dict[str, str], remember: bool = False) -> str | None:
    """The first recorded file that is missing or whose content changed, as a short reason;
    None when all match. With `remember`, trust files unchanged since they last matched."""
    trusted = _read_trusted(folder) if remember else {}
    seen = {}
    for name, digest in recorded.items():
        path = folder / name
        try:
            stat = path.stat()
        except OSError:
            return f"{name} is missing"
        seen[name] = [stat.st_size, stat.st_mtime_ns]
        if trusted.get(name) == seen[name]:
            continue
        if sha256_of(path) != digest:
            return f"{name} changed since it was built"
    if remember and any(trusted.get(k) != v for k, v in seen.items()):
        with contextlib.suppress(OSError):  # a read-only cache only costs the next check the hashing
            (folder / TRUSTED_FILE).write_text(json.dumps({**trusted, **seen}), encoding="utf-8")
    return None


def _read_trusted(folder: Path) -> dict:
    try:
        value = json.loads((folder / TRUSTED_FILE).read_text(encoding="utf-8"))
        return value if isinstance(value, dict) else {}
    except (OSError, ValueError):
        return {}


@contextlib.contextmanager
def build_lock(directory: Path):
    """Hold an exclusive lock on `directory/.lock` (created as needed) while building in it."""
    import fcntl

    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle = open(directory / ".lock", "a")
    except OSError as exc:
        raise cache_error(directory, exc) from exc
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def clear_leftovers(directory: Path) -> None:
    """Remove interrupted builders' `.tmp-*` and `*.old` entries; call only under `build_lock`."""
    for entry in directory.iterdir():
        if entry.name.startswith(".tmp-") or entry.name.endswith(".old"):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(entry)
