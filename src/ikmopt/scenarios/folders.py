"""Result folders of a batch: one safe name per scenario, sealed with checksums, read back.

Each scenario's tables (CSV) and ``meta.json`` are written under a hidden temporary name and
swapped in with one rename, so a reader, a crash or a second process writing the same
scenario never sees half a result. ``meta.json`` records the size and SHA-256 of every table
file and of itself, so a damaged folder is recognized when it is read back.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from ikmopt.core.files import digests, read_verified, replace_folder
from ikmopt.scenarios.errors import ScenarioError

__all__ = [
    "META",
    "Stored",
    "check_folders",
    "folder_name",
    "inspect_folder",
    "parse_folder",
    "read_folder",
    "write_folder",
]

class Stored(NamedTuple):
    """What a scenario folder holds: the fields of a :class:`~ikmopt.ScenarioResult`."""

    name: str
    ok: bool
    tables: dict[str, pd.DataFrame]
    meta: dict[str, Any]


#: The file of a scenario folder that holds its metadata and the checksums of its tables.
META = "meta.json"

#: What a folder written before ikmopt recorded checksums lacks (read, but never resumed).
_UNSEALED = "meta.json records no checksums (written by an older ikmopt)"

#: Folder names kept as they are: ASCII letters, digits, ``-``, ``_``, ``.``; no leading dot.
_ORDINARY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")

#: Device names Windows reserves, with or without an extension (compared without case).
_RESERVED = frozenset({"con", "prn", "aux", "nul",
                       *(f"{d}{i}" for d in ("com", "lpt") for i in "0123456789¹²³")})

#: Characters a scenario name may not hold: control characters and line or paragraph breaks.
_FORBIDDEN = frozenset({"Cc", "Zl", "Zp"})


def folder_name(name: str) -> str:
    """The results folder of scenario ``name``: one name per scenario, always inside ``out``.

    An ordinary name is its own folder name (``baseline``, ``kti-40``, ``budget_2000``).
    Any other name (``..``, ``a b``, ``a/b``, ``CON``, a Unicode or a very long name) becomes
    its letters and digits joined by ``_`` (at most 60 bytes), ``~`` and the first 12 hex
    digits of the SHA-256 of the name. ``~`` never occurs in an ordinary name, so two names
    share a folder only if their hashes collide (or they differ only in case, which
    :func:`check_folders` refuses).
    """
    if _ORDINARY.fullmatch(name) and not name.endswith(".") and (
            name.split(".")[0].casefold() not in _RESERVED):
        return name
    readable = re.sub(r"[\W_]+", "_", unicodedata.normalize("NFC", name)).strip("_")
    readable = readable.encode("utf-8")[:60].decode("utf-8", "ignore") or "scenario"
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{readable}~{digest}"


def check_folders(named: Iterable[tuple[str, str | None]]) -> None:
    """Refuse scenario names that cannot be written or would share a results folder.

    Parameters
    ----------
    named : iterable of (name, source file or None)

    Raises
    ------
    ScenarioError
        If a name holds a control character or a line break, or two names map to the same
        folder (compared without case, as Windows and macOS do).
    """
    seen: dict[str, tuple[str, str | None]] = {}
    for name, source in named:
        bad = next((ch for ch in name if unicodedata.category(ch) in _FORBIDDEN), None)
        if bad is not None:
            raise ScenarioError(f"the scenario name {name!r} holds the control character "
                                f"{bad!r}; remove it (a name is a folder name and a line of "
                                "every message about the scenario)", source, "name")
        folder = folder_name(name)
        other = seen.setdefault(folder.casefold(), (name, source))
        if other != (name, source):
            raise ScenarioError(
                f"scenarios {other[0]!r}{_from(other[1])} and {name!r}{_from(source)} would "
                f"be written to the same results folder '{folder}' (folder names ignore case "
                "on Windows and macOS); rename one of them", source, "name")


def _from(source: str | None) -> str:
    return f" ({source})" if source else ""


def _sealed(meta: Mapping[str, Any], folder: Path, tables: Iterable[str]) -> str:
    """The text of ``meta.json``: ``meta`` with the checksums of the tables and of itself."""
    body = json.loads(json.dumps(dict(meta), default=str))
    body.pop("meta_sha256", None)
    body["files"] = digests(folder, [f"{name}.csv" for name in tables])
    body["meta_sha256"] = _meta_digest(body)
    return json.dumps(body, indent=2)


def _meta_digest(meta: Mapping[str, Any]) -> str:
    """SHA-256 of ``meta`` without its own ``meta_sha256`` (keys sorted, as JSON)."""
    body = {k: v for k, v in meta.items() if k != "meta_sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()


def inspect_folder(folder: Path, *, sealed: bool
                   ) -> tuple[dict[str, Any], dict[str, bytes], list[str]]:
    """``(meta, table files, problems)`` of a scenario folder; no problems: it is as written.

    With ``sealed``, a folder without checksums (written by an older ikmopt) is a problem.
    """
    try:
        meta = json.loads((folder / META).read_bytes())
    except FileNotFoundError:
        return {}, {}, [f"{META} is missing"]
    except (OSError, ValueError, RecursionError) as err:  # ValueError: bad JSON or UTF-8
        return {}, {}, [f"{META} cannot be read ({type(err).__name__}: {err})"]
    if not isinstance(meta, dict):
        return {}, {}, [f"{META} holds a {type(meta).__name__}, not a mapping"]
    if "meta_sha256" not in meta or not isinstance(meta.get("files"), dict):
        return (meta, {}, [_UNSEALED]) if sealed else (meta, *_unchecked(folder))
    if meta["meta_sha256"] != _meta_digest(meta):
        return meta, {}, [f"{META} was edited after it was written (its checksum differs)"]
    contents, problems = read_verified(folder, meta["files"], "*.csv")
    return meta, contents, problems


def _unchecked(folder: Path) -> tuple[dict[str, bytes], list[str]]:
    """The table files of a folder without checksums, as they are."""
    try:
        return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))
                if not p.name.startswith(".")}, []
    except OSError as err:
        return {}, [f"{Path(err.filename or '').name} cannot be read ({err.strerror})"]


def _damaged(folder: Path, meta: Mapping[str, Any], problems: list[str]) -> ScenarioError:
    name = meta.get("name")
    what = f"the results of scenario {name!r}" if isinstance(name, str) else "the results"
    return ScenarioError(f"{what} in '{folder}' are damaged: {'; '.join(problems)}; solve it "
                         "again (run the batch again with resume=True, or 'ikmopt run "
                         "--resume')", str(folder / META))


def parse_folder(folder: Path, meta: dict[str, Any], contents: Mapping[str, bytes]) -> Stored:
    """What a checked folder holds (tables parsed from the bytes checked).

    ``meta`` and ``contents`` are those :func:`inspect_folder` found without problems.

    Raises
    ------
    ScenarioError
        If a table file is not a CSV table.
    """
    tables = {}
    for file, content in sorted(contents.items()):
        try:
            tables[Path(file).stem] = pd.read_csv(io.BytesIO(content))
        except (ValueError, pd.errors.EmptyDataError) as err:  # ParserError is a ValueError
            raise _damaged(folder, meta, [f"{file} is not a CSV table ({err})"]) from err
    name = meta.get("name")
    return Stored(name if isinstance(name, str) else folder.name, bool(meta.get("ok")),
                  tables, meta)


def write_folder(folder: str | Path, name: str, tables: Mapping[str, pd.DataFrame],
                 meta: Mapping[str, Any]) -> Path:
    """Write ``tables`` and ``meta.json`` into ``folder/<folder name of name>`` at once.

    The folder is written under a hidden temporary name and swapped in with one rename
    (:func:`ikmopt.core.files.replace_folder`); ``meta.json`` is sealed with the size and
    SHA-256 of every table and of itself. Returns the folder written.
    """
    final = Path(folder) / folder_name(name)
    tmp = final.with_name(f".{final.name}.{uuid.uuid4().hex[:12]}.partial")
    tmp.mkdir()  # not mkdtemp: the folder gets the usual permissions, not owner-only
    try:
        for table_name, table in tables.items():
            table.to_csv(tmp / f"{table_name}.csv", index=False)
        (tmp / META).write_text(_sealed(meta, tmp, tables), encoding="utf-8")
        replace_folder(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return final


def read_folder(folder: Path) -> Stored:
    """What a scenario folder written by :func:`write_folder` holds, checked.

    Raises
    ------
    ScenarioError
        If ``meta.json`` is missing, unreadable or edited, or a table file is missing,
        changed, truncated, unexpected or no CSV table. Folders written before ikmopt
        recorded checksums are read unchecked.
    """
    meta, contents, problems = inspect_folder(folder, sealed=False)
    if problems:
        raise _damaged(folder, meta, problems)
    return parse_folder(folder, meta, contents)
