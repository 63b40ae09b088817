"""The datasets a scenario reads: hashed by their content and read once per content."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from ikmopt.data import datasets
from ikmopt.data.dataset import Dataset

__all__ = ["files_sha256", "read_dataset"]


def files_sha256(path: Path) -> str:
    """SHA-256 of a dataset file, or of the files of a dataset folder: names, sizes, bytes.

    Read in full every time: hashing is some fifty times faster than parsing the tables, and
    a file's times say nothing certain about its content (a copy can carry an older date).
    A file that cannot be read counts as such; reading the dataset then says why.
    """
    h = hashlib.sha256()
    for f in _dataset_files(path):
        try:
            content = f.read_bytes()
        except OSError:
            h.update(f"{f.name}\0unreadable\0".encode())
            continue
        h.update(f"{f.name}\0{len(content)}\0".encode())
        h.update(content)
    return h.hexdigest()


def _dataset_files(path: Path) -> list[Path]:
    """The files a dataset reads: the workbook, or the files directly in the folder."""
    if not path.is_dir():
        return [path]
    try:
        return sorted(f for f in path.iterdir() if f.is_file())
    except OSError:  # a folder that cannot be listed cannot be read either
        return []


@functools.lru_cache(maxsize=8)
def read_dataset(kind: str, where: str, projects: bool, content: str,
                 uncertainty: bool = False) -> Dataset:
    """Read a dataset once per process and content (``content`` is :func:`files_sha256`).

    Datasets are immutable, so equal content gives the same object; any change of a file,
    whatever its modification time, gives a new key and a fresh read.
    """
    if kind == "name":
        return datasets.load(where, projects=projects, uncertainty=uncertainty)
    path = Path(where)
    if path.suffix.lower() in (".xlsx", ".xls"):
        return Dataset.from_excel(path)
    return Dataset.from_csv(path)
