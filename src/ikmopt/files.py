"""Writing a set of files all or nothing: a failed write leaves nothing behind."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = ["write_files"]


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
