"""Files written safely: all or nothing, checked on reading, replaced in one rename.

* :func:`write_files` writes a set of files all or nothing: a failed write leaves nothing.
* :func:`digests` records the size and SHA-256 of files; :func:`read_verified` reads them
  back only if they are still exactly what was written.
* :func:`replace_folder` puts a finished folder in place of an old one in one rename, even
  while other processes replace the same folder.
"""

from __future__ import annotations

import errno
import hashlib
import os
import random
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["digests", "read_verified", "replace_folder", "write_files"]

#: How many times :func:`replace_folder` tries before it gives up on a contended folder.
ATTEMPTS = 200

#: ``rename`` errors that mean "the target is taken" (POSIX and Windows).
_TAKEN = frozenset({errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR})


def write_files(folder: str | Path, writers: Mapping[str, Callable[[Path], object]]) -> Path:
    """Write each ``writers[name](path)`` to ``folder/name``, all or nothing.

    Every file is first written to a hidden ``.name.partial`` beside its target and renamed
    only when all were written; on any failure the partial files (and ``folder``, if this
    call created it) are removed and the error propagates.

    Raises
    ------
    OSError
        If ``folder`` is a file, a target is a folder, or a write fails.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "is a file, not a folder", str(folder))
    for name in writers:
        if (folder / name).is_dir():
            raise IsADirectoryError(errno.EISDIR, "a folder is in the way of a file",
                                    str(folder / name))
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    partial: list[tuple[Path, Path]] = []
    try:
        for name, write in writers.items():
            tmp = folder / f".{name}.partial"
            partial.append((tmp, folder / name))
            write(tmp)
        for tmp, final in partial:
            os.replace(tmp, final)
    except BaseException:
        for tmp, _ in partial:
            tmp.unlink(missing_ok=True)
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


# ---------------------------------------------------------------------- checksums
def digests(folder: str | Path, names: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Size and SHA-256 of each file ``folder/name``: ``{name: {"bytes": n, "sha256": hex}}``.

    Raises
    ------
    OSError
        If a file cannot be read.
    """
    folder = Path(folder)
    return {name: _digest((folder / name).read_bytes()) for name in names}


def _digest(content: bytes) -> dict[str, Any]:
    return {"bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def read_verified(folder: str | Path, recorded: Mapping[str, Any],
                  pattern: str = "*") -> tuple[dict[str, bytes], list[str]]:
    """Read the files ``recorded`` by :func:`digests`, checking each is still as written.

    Each file is read once and checked from the bytes read, so a file replaced while it is
    read is caught too.

    Parameters
    ----------
    folder : path
    recorded : mapping
        ``{name: {"bytes": n, "sha256": hex}}`` as :func:`digests` returned it.
    pattern : str, default ``"*"``
        Files of ``folder`` that must all be recorded: a visible file matching it that is not
        recorded is reported as unexpected (hidden files are ignored).

    Returns
    -------
    contents : dict of bytes
        The content of every recorded file that could be read.
    problems : list of str
        One sentence per file that is missing, unreadable, of another size, changed or
        unexpected; empty when the folder is exactly as written.
    """
    folder = Path(folder)
    contents: dict[str, bytes] = {}
    problems: list[str] = []
    for name, record in recorded.items():
        problem = _check_one(folder, name, record, contents)
        if problem:
            problems.append(problem)
    extra = sorted(p.name for p in folder.glob(pattern)
                   if not p.name.startswith(".") and p.name not in recorded)
    problems.extend(f"{name} was not written with the others" for name in extra)
    return contents, problems


def _check_one(folder: Path, name: Any, record: Any, contents: dict[str, bytes]) -> str | None:
    """Read ``folder/name`` into ``contents`` if it matches ``record``; else say why not."""
    if not _plain_name(name) or not isinstance(record, Mapping):
        return f"the record of {name!r} is not a file of this folder"
    try:
        content = (folder / name).read_bytes()
    except FileNotFoundError:
        return f"{name} is missing"
    except OSError as err:
        return f"{name} cannot be read ({err.strerror or err})"
    actual = _digest(content)
    if actual["bytes"] != record.get("bytes"):
        return f"{name} has {actual['bytes']} bytes, {record.get('bytes')} were written"
    if actual["sha256"] != record.get("sha256"):
        return f"{name} was changed after it was written (its SHA-256 differs)"
    contents[name] = content
    return None


def _plain_name(name: Any) -> bool:
    """``name`` is a file name without a folder part (so it stays inside its folder)."""
    return (isinstance(name, str) and name not in ("", ".", "..") and "\0" not in name
            and "/" not in name and "\\" not in name and Path(name).name == name)


# ---------------------------------------------------------------------- atomic swap
def replace_folder(new: str | Path, final: str | Path, attempts: int = ATTEMPTS) -> None:
    """Put the finished folder ``new`` at ``final``, replacing what is there, in one rename.

    What is at ``final`` is first renamed aside to a unique hidden name beside it, then
    ``new`` is renamed to ``final`` and the old folder deleted. A reader sees the old folder,
    then for a moment none, then the new one; never a mix of both. Several processes may
    replace the same folder at once: each attempt that finds ``final`` taken again moves it
    aside and retries, the last rename wins and every folder in place is whole. If
    interrupted between the two renames, the new folder (or else the old one) is put back.

    ``new`` and ``final`` must be on the same file system (``new`` is usually a hidden
    temporary folder beside ``final``).

    Raises
    ------
    OSError
        If a rename fails for another reason than a taken target, or ``final`` is still
        taken after ``attempts`` tries.
    """
    new, final = Path(new), Path(final)
    asides: list[Path] = []
    try:
        for attempt in range(attempts):
            if _rename_in(new, final):
                return
            _move_aside(final, asides)
            if attempt:  # contended: let the other writers finish their swap
                time.sleep(random.uniform(0, 0.002 * min(attempt, 20)))
        raise OSError(errno.EBUSY, f"could not replace the folder in {attempts} attempts "
                      "(other processes keep writing it)", str(final))
    finally:
        if asides and not os.path.lexists(final):  # interrupted between the two renames
            _put_back(final, [new, *reversed(asides)])
        for aside in asides:
            _remove(aside)


def _rename_in(new: Path, final: Path) -> bool:
    """Rename ``new`` to ``final``; False if ``final`` is taken."""
    try:
        os.rename(new, final)
    except OSError as err:
        if err.errno in _TAKEN or os.path.lexists(final):
            return False
        raise
    return True


def _move_aside(final: Path, asides: list[Path]) -> None:
    """Rename ``final`` to a unique hidden name beside it (nothing if it is already gone)."""
    aside = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:12]}")
    try:
        os.rename(final, aside)
    except FileNotFoundError:  # another writer moved it first
        return
    except OSError:
        if os.path.lexists(final):
            raise
        return
    asides.append(aside)


def _put_back(final: Path, candidates: list[Path]) -> None:
    for candidate in candidates:
        try:
            os.rename(candidate, final)
        except OSError:
            continue
        return


def _remove(path: Path) -> None:
    """Delete a file, link or folder; a link is removed, never followed."""
    try:
        if path.is_symlink() or not path.is_dir():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)
    except OSError:
        pass
