"""Reading scenario files: ``extends`` chains, the folders a file may name, folders of files.

A file may come from someone else, so reading one is bounded: besides the limits of
:mod:`ikmopt.scenarios.yaml` (aliases, nesting), ``extends`` chains are at most
:data:`MAX_EXTENDS_DEPTH` files long, and the files a scenario names (``extends``,
``dataset.path``, the CSV tables of ``add_regions``) must lie under the folder of the scenario
file being loaded or under a ``root`` folder its caller allows explicitly. Error messages
quote values in a short form, and never the content of a file that is no scenario.
"""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from ikmopt.core.checks import shorten
from ikmopt.scenarios.errors import ScenarioError, kind_of
from ikmopt.scenarios.registry import TABLE_ARGS
from ikmopt.scenarios.scenario import Scenario
from ikmopt.scenarios.yaml import safe_load

__all__ = [
    "MAX_EXTENDS_DEPTH",
    "REPLACED_KEYS",
    "check_names",
    "load_scenario",
    "load_scenarios",
    "scenario_files",
]

#: Files one ``extends`` chain may hold (the file loaded, its parent, and so on).
MAX_EXTENDS_DEPTH = 32
#: Keys that a file's own value replaces whole, whatever it extends (other mappings merge).
REPLACED_KEYS = ("dataset", "objective")


class _TooDeepError(ScenarioError):
    """An ``extends`` chain past :data:`MAX_EXTENDS_DEPTH`, reported for the file loaded."""


#: Folders a scenario file may name files under, each with what it is (for messages).
_Roots = tuple[tuple[Path, str], ...]


def _roots(path: Path, root: str | Path | None) -> _Roots:
    """The folder of the file and ``root`` (symlinks resolved)."""
    folders = [(path.parent.resolve(), "the scenario's folder")]
    if root is not None:
        allowed = Path(root).resolve()
        if not allowed.is_dir():
            raise ScenarioError(f"root '{root}' is not a folder (it resolves to {allowed}); "
                                "give the folder that scenario files may name files under",
                                str(path), "root")
        folders.append((allowed, "root"))
    return tuple(folders)


def _inside(target: Path, roots: _Roots, file: str, key: str, written: str) -> Path:
    """``target`` with symlinks resolved, if it lies under one of ``roots``; else refuse it."""
    try:
        resolved = target.resolve()
        resolved.exists()  # a name too long for the system fails here
    except (OSError, ValueError) as err:  # a NUL byte, a name too long, a loop of links
        reason = getattr(err, "strerror", None) or str(err)
        raise ScenarioError(f"{shorten(written, 100)!r} is not a usable path ({reason})",
                            file, key) from None
    if any(resolved.is_relative_to(folder) for folder, _ in roots):
        return resolved
    allowed = ", ".join(f"{folder} ({what})" for folder, what in roots)
    folder = resolved.parent if resolved.is_file() or not resolved.exists() else resolved
    raise ScenarioError(
        f"{shorten(written, 100)!r} leads to {resolved}, outside the folders a scenario file "
        f"may name files under: {allowed}; move the file there, or allow its folder with "
        f"root='{folder}' (ik.load_scenario, ik.load_scenarios) or --root {folder} (command "
        "line)", file, key)


def _map_paths(raw: dict[str, Any], fn: Callable[[str, str], str]) -> dict[str, Any]:
    """``raw`` with each file path it names replaced by ``fn(key path, path)``.

    The paths are ``dataset.path`` and the CSV tables of the data operations
    (:data:`~ikmopt.scenarios.registry.TABLE_ARGS`).
    """
    out = dict(raw)
    dataset = raw.get("dataset")
    if isinstance(dataset, Mapping) and "path" in dataset:
        out["dataset"] = {**dataset, "path": fn("dataset.path", str(dataset["path"]))}
    if isinstance(raw.get("data"), list):
        out["data"] = [_map_table_paths(op, f"data[{i}]", fn) for i, op in enumerate(raw["data"])]
    return out


def _map_table_paths(op: Any, key: str, fn: Callable[[str, str], str]) -> Any:
    if not isinstance(op, Mapping) or len(op) != 1:
        return op
    (name, args), = op.items()
    if name not in TABLE_ARGS:
        return op
    if isinstance(args, str) and len(TABLE_ARGS[name]) == 1:  # with_proposals: file.csv
        args = {TABLE_ARGS[name][0]: args}
    if not isinstance(args, Mapping):
        return op
    args = {k: fn(f"{key}.{name}.{k}", v) if k in TABLE_ARGS[name] and isinstance(v, str)
            else v for k, v in args.items()}
    return {**op, name: args}


def _holds(value: Any) -> str:
    """What a file holds, without quoting it (it may be no scenario at all: /etc/passwd)."""
    if isinstance(value, str):
        return f"text ({len(value):,} characters)"
    if isinstance(value, list):
        return f"a list ({len(value):,} items)"
    return f"a single value ({type(value).__name__})"


def _read_raw(path: Path, roots: _Roots,
              chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The file's mapping with ``extends`` resolved (see :data:`REPLACED_KEYS`).

    Every file path it names is checked against ``roots`` and made absolute (relative to
    the file that wrote it); ``chain`` holds the files read so far, the first one first.
    """
    file = str(path)
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise _TooDeepError(
            f"the chain of files goes more than {MAX_EXTENDS_DEPTH} deep ({chain[0].name} -> "
            f"{chain[1].name} -> ... -> {path.name}); at most {MAX_EXTENDS_DEPTH} files are "
            "read for one scenario, so let the files extend a shared base file instead of each "
            "other", file, "extends")
    raw = _read_mapping(path)
    raw = _map_paths(raw, lambda key, where: str(_inside(path.parent / where, roots, file, key,
                                                         where)))
    parent = raw.pop("extends", None)
    if parent is None:
        return raw
    if not isinstance(parent, str):
        raise ScenarioError(f"must name a scenario file, got {kind_of(parent)}", file, "extends")
    base_path = _inside(path.parent / parent, roots, file, "extends", parent)
    if base_path in chain or base_path == path.resolve():
        raise ScenarioError(f"extends {shorten(parent, 100)!r} goes round in a circle", file,
                            "extends")
    try:
        base = _read_raw(base_path, roots, (*chain, path.resolve()))
    except _TooDeepError:
        raise
    except ScenarioError as err:
        raise ScenarioError(f"in the file it extends: {err}", file, "extends") from None
    base.pop("name", None)
    return _merge(base, raw)


def _read_mapping(path: Path) -> dict[str, Any]:
    """The mapping one scenario file holds, as read (``extends`` not followed)."""
    file = str(path)
    if path.is_dir():
        raise ScenarioError("is a folder, not a scenario file (use ik.load_scenarios to read "
                            "every scenario of a folder)", file)
    if not path.is_file():
        raise ScenarioError(f"scenario file does not exist (looked in {path.resolve()})",
                            file)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(f"cannot read the file: {err}", file) from None
    raw = safe_load(text, file)
    if raw is None:
        raise ScenarioError("the file is empty; a scenario needs at least budget:", file)
    if not isinstance(raw, Mapping):
        raise ScenarioError("a scenario file must hold a mapping of keys (budget:, "
                            f"constraints: ...), but this file holds {_holds(raw)}; is it a "
                            "scenario file?", file)
    return dict(raw)


def _merge(base: Mapping, child: Mapping) -> dict:
    """``child`` over ``base``: mappings merged key by key, the rest replaced whole.

    Lists and the keys of :data:`REPLACED_KEYS` (the dataset, the objective) are replaced.
    """
    out = dict(base)
    for key, value in child.items():
        if (isinstance(value, Mapping) and isinstance(out.get(key), Mapping)
                and key not in REPLACED_KEYS):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_scenario(path: str | Path, *, root: str | Path | None = None) -> Scenario:
    """Read one scenario file (``extends`` resolved; the name defaults to the file stem).

    Parameters
    ----------
    path : str or Path
    root : str or Path, optional
        A further folder the file may name files under. The files a scenario names
        (``extends``, ``dataset.path``, the CSV tables of ``add_regions``, in the file and
        in every file it extends) must lie, after symlinks are resolved, under the folder
        of ``path`` or under ``root``; so a file from elsewhere cannot read
        ``/etc/passwd``. Bundled datasets (``dataset: {name: ...}``)
        are always allowed.

    Raises
    ------
    ScenarioError
        Naming the file and the key path; also for a path outside the allowed folders, an
        ``extends`` chain longer than :data:`MAX_EXTENDS_DEPTH` files, and YAML aliases
        that repeat more than :data:`MAX_ALIAS_NODES` values.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.load_scenario("examples/scenarios/baseline.yaml").policy.budget.total
    971.0
    """
    path = Path(path)
    try:
        raw = _read_raw(path, _roots(path, root))
    except _TooDeepError as err:
        raise ScenarioError(err.detail, str(path), "extends") from None
    return Scenario.from_dict(raw, file=str(path), name=path.stem)


def scenario_files(where: str | Path | Iterable[str | Path]) -> list[Path]:
    """Scenario files of a folder (``*.yaml``, ``*.yml``), a glob pattern or a list."""
    if isinstance(where, str | Path):
        path = Path(where)
        if path.is_dir():
            return sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
        if any(ch in str(where) for ch in "*?["):
            return sorted(Path(p) for p in glob.glob(str(where)))
        return [path]
    return [Path(p) for p in where]


def load_scenarios(where: str | Path | Iterable[str | Path], *,
                   root: str | Path | None = None) -> list[Scenario]:
    """Read every scenario of a folder, a glob pattern or a list of files.

    Parameters
    ----------
    where : str, Path or iterable of them
    root : str or Path, optional
        A folder every file may also name files under, as for :func:`load_scenario`.

    Raises
    ------
    ScenarioError
        For the first file that fails (use :func:`ikmopt.run_scenarios` with file paths to
        record bad files and run the others), or if no file matches.
    """
    files = scenario_files(where)
    if not files:
        raise ScenarioError(f"no scenario files found in {where!s}")
    scenarios = [load_scenario(f, root=root) for f in files]
    check_names(scenarios)
    return scenarios


def check_names(scenarios: list[Scenario]) -> None:
    """Refuse two scenarios of one name (a batch keeps one result per name).

    Raises
    ------
    ScenarioError
        Naming both files.
    """
    seen: dict[str, str | None] = {}
    for s in scenarios:
        if s.name in seen:
            raise ScenarioError(f"two scenarios are named '{s.name}' ({seen[s.name]} and "
                                f"{s.source}); names must be unique in a batch", s.source, "name")
        seen[s.name] = s.source
