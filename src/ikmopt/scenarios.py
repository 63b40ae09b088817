"""Scenario files: a dataset, data overrides, a policy and solver options in one YAML file.

A scenario file maps 1:1 onto the Python classes through one :data:`REGISTRY`: every
constraint or objective is a one-key mapping whose key is the class name in snake case
(``group_share:`` for :class:`~ikmopt.GroupShare`) and whose value holds the class's own
keyword arguments. Data overrides map onto the :class:`~ikmopt.Dataset` methods that make
what-if copies (``scale``, ``with_capacity``, ``with_cost``, ``drop_regions``). Nothing
parses strings a second way: the classes validate their arguments as they do in Python.

.. code-block:: yaml

    name: kti-push
    extends: baseline.yaml          # inherit every key, then change some
    dataset: indonesia-provinces    # or {name: ..., projects: true} or {path: my-data/}
    data:
      - scale: {metric: jobs, factor: 0.8, where: {program: training}}
    budget: {total: 2500}
    constraints:
      - region_bounds: {min_share: 0.005}
      - group_share: {group: kti, min: 0.45}
    objective:
      weighted: {jobs: 1.0, value_added: 0.5}
    set:                            # precise changes by parameter path, after extends
      constraints[1].min: 0.45
    solver: {solver: highs, time_limit: 60}

Files are read with PyYAML's safe loader only (no Python tags; a key given twice in a mapping
is refused rather than silently overridden); errors name the file and the key path (for
example ``constraints[2].group_share.min``).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import glob
import hashlib
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from . import constraints as _c
from . import objectives as _o
from .accrual import Accrual
from .data import Dataset
from .errors import IkmoptError, PolicyError
from .params import get_param, parse_path, set_param
from .policy import Policy
from .risk import CVaR, ExpectedValue
from .validation import suggest

if TYPE_CHECKING:
    from .sweep import Sweep

__all__ = [
    "DATA_OPS",
    "REGISTRY",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "load_scenarios",
]


class ScenarioError(PolicyError):
    """A scenario file or key that makes no sense; names the file and the key path.

    Attributes
    ----------
    file : str or None
        The scenario file.
    key : str
        Key path inside the file, e.g. ``constraints[2].group_share.min``.
    """

    def __init__(self, message: str, file: str | None = None, key: str = "") -> None:
        self.file = file
        self.key = key
        self.detail = message
        where = " ".join(p for p in (f"{file}:" if file else "", f"{key}:" if key else "") if p)
        super().__init__(f"{where} {message}" if where else message)

    def __reduce__(self):  # keep file and key through pickling (batches use processes)
        return (type(self), (self.detail, self.file, self.key))


#: Scenario keys that snake case would spell badly.
_KEYS = {"CVaR": "cvar"}


def _snake(name: str) -> str:
    """``GroupShare`` -> ``group_share`` (and ``CVaR`` -> ``cvar``)."""
    return _KEYS.get(name) or re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


_CONSTRAINTS = (_c.RegionBounds, _c.GroupShare, _c.ProgramShare, _c.Target, _c.Ramp,
                _c.GiniCap, _c.OutcomeEquity, _c.ProjectCount)
_OBJECTIVES = (_o.Maximize, _o.Weighted, _o.PovertyWeighted, _o.MaxMin, _o.MinCost,
               _o.Lexicographic, _o.GoalProgram, CVaR, ExpectedValue)

#: Scenario keys of every constraint and objective class: ``{"constraints": {key: cls},
#: "objective": {key: cls}}``. The file reference in the docs is generated from it.
REGISTRY: dict[str, dict[str, type]] = {
    "constraints": {_snake(cls.__name__): cls for cls in _CONSTRAINTS},
    "objective": {_snake(cls.__name__): cls for cls in _OBJECTIVES},
}

#: Data overrides: scenario key -> Dataset method (applied in the order given).
DATA_OPS: dict[str, Callable[..., Dataset]] = {
    "scale": Dataset.scale,
    "with_capacity": Dataset.with_capacity,
    "with_cost": Dataset.with_cost,
    "drop_regions": Dataset.drop_regions,
    "add_regions": Dataset.add_regions,
}
#: Arguments of ``add_regions`` that may name a CSV file (relative to the scenario file).
_TABLE_ARGS = ("regions", "impacts", "curves", "projects")

#: Top-level keys of a scenario file.
TOP_KEYS = ("name", "description", "extends", "dataset", "data", "budget", "constraints",
            "objective", "accrual", "set", "solver")
#: Keys of the ``solver:`` mapping (keyword arguments of :func:`ikmopt.optimize`).
SOLVER_KEYS = ("solver", "time_limit", "algorithm")
#: Arguments whose YAML list becomes a tuple.
_TUPLE_ARGS = ("by", "regions")


# ---------------------------------------------------------------------- parsing
class _Reader:
    """Turns plain YAML values into policy objects, keeping the key path for errors."""

    def __init__(self, file: str | None) -> None:
        self.file = file

    def fail(self, key: str, message: str) -> ScenarioError:
        return ScenarioError(message, self.file, key)

    def mapping(self, value: Any, key: str, what: str) -> Mapping:
        if not isinstance(value, Mapping):
            raise self.fail(key, f"must be a mapping ({what}), got {_kind(value)}")
        return value

    def call(self, cls: type, args: Any, key: str) -> Any:
        """Build ``cls(**args)`` with its errors named by ``key``."""
        if args is None:
            args = {}
        args = dict(self.mapping(args, key, f"keyword arguments of {cls.__name__}"))
        allowed, open_kwargs = _parameters(cls)
        for name in args:
            if not isinstance(name, str):
                raise self.fail(key, f"argument names must be text, got {name!r}")
            if name not in allowed and not open_kwargs:
                raise self.fail(
                    f"{key}.{name}",
                    f"unknown argument of {cls.__name__}: '{name}'{suggest(name, allowed)}; "
                    f"allowed: {sorted(allowed)}",
                )
        if cls in (_o.MinCost, _o.GoalProgram) and "targets" in args:
            args["targets"] = [
                self.call(_c.Target, t, f"{key}.targets[{i}]")
                for i, t in enumerate(self.sequence(args["targets"], f"{key}.targets"))
            ]
        if cls is _o.Lexicographic and "objectives" in args:
            args["objectives"] = [
                self.one_of("objective", o, f"{key}.objectives[{i}]")
                for i, o in enumerate(self.sequence(args["objectives"], f"{key}.objectives"))
            ]
        for name in _TUPLE_ARGS:
            if isinstance(args.get(name), list):
                args[name] = tuple(args[name])
        try:
            return cls(**args)
        except IkmoptError as err:
            raise self.fail(key, str(err)) from None
        except TypeError as err:
            raise self.fail(key, f"{cls.__name__}: {err}") from None

    def sequence(self, value: Any, key: str) -> list:
        if not isinstance(value, list):
            raise self.fail(key, f"must be a list, got {_kind(value)}")
        return value

    def one_of(self, section: str, value: Any, key: str) -> Any:
        """A one-key mapping ``{registry_key: arguments}`` of ``section``."""
        known = REGISTRY[section]
        if isinstance(value, str) and value in known:  # a class without arguments
            value = {value: {}}
        if not isinstance(value, Mapping) or len(value) != 1:
            raise self.fail(
                key, f"must be one mapping {{kind: arguments}} with a kind from {sorted(known)}"
                f", got {_kind(value)}",
            )
        (kind, args), = value.items()
        if kind not in known:
            raise self.fail(
                f"{key}.{kind}",
                f"unknown {'constraint' if section == 'constraints' else section} "
                f"'{kind}'{suggest(str(kind), known)}; known: {sorted(known)}",
            )
        return self.call(known[kind], args, f"{key}.{kind}")

    def policy(self, raw: Mapping) -> Policy:
        if "budget" not in raw:
            raise self.fail("budget", "is required, e.g. budget: {total: 2500}")
        budget = self.call(_c.Budget, raw["budget"], "budget")
        constraints = [
            self.one_of("constraints", c, f"constraints[{i}]")
            for i, c in enumerate(self.sequence(raw.get("constraints") or [], "constraints"))
        ]
        objective = (self.one_of("objective", raw["objective"], "objective")
                     if raw.get("objective") is not None else _o.Maximize("jobs"))
        accrual = (self.call(Accrual, raw["accrual"], "accrual")
                   if raw.get("accrual") is not None else None)
        policy = Policy(budget=budget, constraints=constraints, objective=objective,
                        accrual=accrual)
        changes = self.mapping(raw.get("set") or {}, "set", "{parameter path: value}")
        for path, value in changes.items():
            try:
                policy = set_param(policy, str(path), value)
            except IkmoptError as err:
                raise self.fail(f"set.{path}", str(err)) from None
        return policy

    def data_ops(self, raw: Any) -> tuple[dict, ...]:
        ops = []
        for i, op in enumerate(self.sequence(raw or [], "data")):
            key = f"data[{i}]"
            if not isinstance(op, Mapping) or len(op) != 1:
                raise self.fail(key, "must be one mapping {operation: arguments} with an "
                                f"operation from {sorted(DATA_OPS)}, got {_kind(op)}")
            (name, args), = op.items()
            if name not in DATA_OPS:
                raise self.fail(f"{key}.{name}", f"unknown data operation '{name}'"
                                f"{suggest(str(name), DATA_OPS)}; known: {sorted(DATA_OPS)}")
            if name == "drop_regions":  # a list or one label for short; else {regions: ...}
                if not isinstance(args, Mapping):
                    args = {"regions": args}
                if args.get("regions") is None and set(args) <= {"regions"}:
                    raise self.fail(f"{key}.{name}", "name the regions to drop, e.g. "
                                    "drop_regions: [Aceh]")
                if "regions" in args and not isinstance(args["regions"], list):
                    args = {**args, "regions": [args["regions"]]}
            args = dict(self.mapping(args, f"{key}.{name}", f"arguments of {name}"))
            allowed = [p for p in inspect.signature(DATA_OPS[name]).parameters if p != "self"]
            for arg in args:
                if arg not in allowed:
                    raise self.fail(f"{key}.{name}.{arg}", f"unknown argument of {name}: "
                                    f"'{arg}'{suggest(str(arg), allowed)}; allowed: {allowed}")
            ops.append({name: args})
        return tuple(ops)

    def dataset(self, raw: Any) -> dict:
        if raw is None:
            return {"name": "indonesia-provinces"}
        if isinstance(raw, str):
            return {"name": raw}
        spec = dict(self.mapping(raw, "dataset", "a bundled name, {name: ...} or {path: ...}"))
        allowed = {"name", "path", "projects", "uncertainty"}
        for k in spec:
            if k not in allowed:
                raise self.fail(f"dataset.{k}", f"unknown key{suggest(str(k), allowed)}; "
                                f"allowed: {sorted(allowed)}")
        if ("name" in spec) == ("path" in spec):
            raise self.fail("dataset", "give exactly one of name: (a bundled dataset) and "
                            "path: (a folder of CSV files or an Excel workbook)")
        return spec

    def solver(self, raw: Any) -> dict:
        from .solvers import ALGORITHMS, SOLVERS

        spec = dict(self.mapping(raw or {}, "solver", "options of ik.optimize"))
        if "solver" in spec and spec["solver"] not in SOLVERS:
            raise self.fail("solver.solver", f"unknown solver {spec['solver']!r}; choose one "
                            f"of {list(SOLVERS)}")
        if "algorithm" in spec and spec["algorithm"] not in ALGORITHMS:
            raise self.fail("solver.algorithm", f"unknown algorithm {spec['algorithm']!r}; "
                            f"choose one of {list(ALGORITHMS)}")
        for k in spec:
            if k not in SOLVER_KEYS:
                raise self.fail(f"solver.{k}", "unknown solver option"
                                f"{suggest(str(k), SOLVER_KEYS)}; allowed: {list(SOLVER_KEYS)}")
        return spec


def _parameters(cls: type) -> tuple[set[str], bool]:
    """Keyword arguments a class accepts, and whether it takes any (``**kwargs``)."""
    params = inspect.signature(cls).parameters
    names = {n for n, p in params.items() if p.kind is not inspect.Parameter.VAR_KEYWORD}
    return names, any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def _kind(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"[:80]


# ---------------------------------------------------------------------- the scenario
@dataclass(frozen=True)
class Scenario:
    """One what-if: where the data come from, how to change them, the policy and options.

    Parameters
    ----------
    name : str
    policy : Policy
    dataset : mapping, default ``{"name": "indonesia-provinces"}``
        ``{"name": bundled_name}`` (with optional ``projects: true`` and
        ``uncertainty: true``) or ``{"path": ...}``
        (a folder of CSV files or an Excel workbook; relative to the scenario file).
    data : tuple of mappings
        Data overrides in order, each ``{operation: arguments}`` with an operation of
        :data:`DATA_OPS`.
    solver : mapping
        Keyword arguments of :func:`ikmopt.optimize` (``solver``, ``time_limit``,
        ``algorithm``).
    description : str
    source : str, optional
        The file the scenario was read from (not compared, not written).

    Examples
    --------
    >>> import ikmopt as ik
    >>> s = ik.Scenario.from_dict({"name": "cut", "budget": {"total": 2125}})
    >>> s.policy.budget.total
    2125.0
    >>> ik.Scenario.from_yaml(s.to_yaml()) == s
    True
    """

    name: str
    policy: Policy
    dataset: Mapping[str, Any] = field(default_factory=lambda: {"name": "indonesia-provinces"})
    data: tuple[Mapping[str, Any], ...] = ()
    solver: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    source: str | None = field(default=None, compare=False)

    # ------------------------------------------------------------------ reading
    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], *, file: str | None = None,
                  name: str | None = None) -> Scenario:
        """Build a scenario from plain values (as a YAML file holds them).

        Raises
        ------
        ScenarioError
            Naming ``file`` and the key path of the first problem.
        """
        reader = _Reader(file)
        raw = reader.mapping(raw, "", "a scenario")
        for key in raw:
            if key not in TOP_KEYS:
                raise reader.fail(str(key), f"unknown top-level key{suggest(str(key), TOP_KEYS)}"
                                  f"; allowed: {list(TOP_KEYS)}")
        if "extends" in raw:
            raise reader.fail("extends", "only scenario files can extend another file "
                              "(use ik.load_scenario)")
        scenario_name = raw.get("name", name)
        if not isinstance(scenario_name, str) or not scenario_name.strip():
            raise reader.fail("name", f"must be a non-empty text, got {_kind(scenario_name)}")
        description = raw.get("description") or ""
        if not isinstance(description, str):
            raise reader.fail("description", f"must be text, got {_kind(description)}")
        return cls(
            name=scenario_name.strip(),
            policy=reader.policy(raw),
            dataset=reader.dataset(raw.get("dataset")),
            data=reader.data_ops(raw.get("data")),
            solver=reader.solver(raw.get("solver")),
            description=description,
            source=file,
        )

    @classmethod
    def from_yaml(cls, text: str, *, file: str | None = None) -> Scenario:
        """Read a scenario from YAML text (safe loader; no ``extends``)."""
        return cls.from_dict(_safe_load(text, file), file=file)

    # ------------------------------------------------------------------ writing
    def to_dict(self) -> dict[str, Any]:
        """Plain values that :meth:`from_dict` turns back into an equal scenario."""
        out: dict[str, Any] = {"name": self.name}
        if self.description:
            out["description"] = self.description
        out["dataset"] = (self.dataset["name"] if set(self.dataset) == {"name"}
                          else dict(self.dataset))
        if self.data:
            out["data"] = [_plain(op) for op in self.data]
        policy = self.policy
        out["budget"] = _args(policy.budget)
        if policy.constraints:
            out["constraints"] = [_tagged(c) for c in policy.constraints]
        out["objective"] = _tagged(policy.objective)
        if policy.accrual is not None:
            out["accrual"] = _args(policy.accrual)
        if self.solver:
            out["solver"] = dict(self.solver)
        return out

    def to_yaml(self, path: str | Path | None = None) -> str:
        """The scenario as YAML text; written to ``path`` too when given."""
        text = yaml.dump(self.to_dict(), Dumper=_DUMPER, sort_keys=False,
                         allow_unicode=True)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @property
    def digest(self) -> str:
        """SHA-256 of the scenario's inputs: its YAML and, for a dataset path, the files."""
        h = hashlib.sha256(self.to_yaml().encode())
        paths = [self._dataset_path()] if "path" in self.dataset else []
        for op in self.data:  # CSV tables of added regions
            (name, args), = op.items()
            paths += [self._table_path(v) for k, v in args.items()
                      if name == "add_regions" and k in _TABLE_ARGS and isinstance(v, str)]
        for path in paths:
            h.update(_files_sha256(_file_stamps(path)))
        return h.hexdigest()

    # ------------------------------------------------------------------ running
    def _dataset_path(self) -> Path:
        return self._table_path(str(self.dataset["path"]))

    def _table_path(self, where: str) -> Path:
        """A data path, relative to the scenario file when it is not absolute."""
        path = Path(where)
        if not path.is_absolute() and self.source:
            path = Path(self.source).parent / path
        return path

    def load_data(self) -> Dataset:
        """The scenario's dataset with its overrides applied.

        Raises
        ------
        ScenarioError
            If the dataset cannot be read or an override does not fit it (naming the key).
        """
        try:
            if "path" in self.dataset:
                path = self._dataset_path()
                data = _read_dataset("path", str(path.resolve()), False, _stamp(path))
            else:
                data = _read_dataset("name", str(self.dataset["name"]),
                                     bool(self.dataset.get("projects", False)), 0.0,
                                     bool(self.dataset.get("uncertainty", False)))
        except IkmoptError as err:
            raise ScenarioError(str(err), self.source, "dataset") from None
        for i, op in enumerate(self.data):
            (name, args), = op.items()
            if name == "add_regions":
                args = {k: self._table_path(v) if k in _TABLE_ARGS and isinstance(v, str)
                        else v for k, v in args.items()}
            try:
                data = DATA_OPS[name](data, **args)
            except (IkmoptError, TypeError) as err:
                raise ScenarioError(str(err), self.source, f"data[{i}].{name}") from None
        return data

    def validate(self) -> None:
        """Check everything short of solving: the data, the overrides, the policy against them.

        Raises
        ------
        ScenarioError
            Naming the file and the key at fault.
        """
        from .build import build

        data = self.load_data()
        try:
            build(data, self.policy)
        except IkmoptError as err:
            raise ScenarioError(str(err), self.source, _policy_key(self, str(err))) from None

    def run(self, **options: Any):
        """Load the data and optimize; ``options`` override the scenario's solver options."""
        from .optimize import optimize

        return optimize(self.load_data(), self.policy, **{**self.solver, **options})

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    # ------------------------------------------------------------------ parameters
    def get(self, path: str) -> Any:
        """The value at a parameter path.

        A path into the policy as in :func:`ikmopt.params.get_param` (``budget.total``,
        ``constraints[1].min``), or into a data override: ``data[0].factor`` (or
        ``data[0].scale.factor``, naming the operation) and ``data[1].where.program``.

        Raises
        ------
        ScenarioError
            If the path names nothing in the scenario (naming the part that fails).
        """
        tokens = parse_path(path)
        if tokens[0] != "data":
            try:
                return get_param(self.policy, path)
            except PolicyError as err:
                raise ScenarioError(str(err), self.source, path) from None
        _, _, args, keys = self._data_path(path, tokens)
        obj: Any = args
        for key in keys:
            obj = _data_child(obj, key, path, self.source)
        return obj

    def set(self, path: str, value: Any) -> Scenario:
        """A copy with the value at ``path`` (see :meth:`get`) replaced.

        Policy values are re-validated through the constructors; data-override values when
        the data are loaded (:meth:`load_data`, :meth:`validate`).

        Examples
        --------
        >>> import ikmopt as ik
        >>> s = ik.load_scenario("examples/scenarios/training-cost-shock.yaml")
        >>> s.get("data[0].factor"), s.set("data[0].factor", 1.5).get("data[0].factor")
        (1.2, 1.5)
        """
        tokens = parse_path(path)
        if tokens[0] != "data":
            try:
                return self.replace(policy=set_param(self.policy, path, value))
            except PolicyError as err:
                raise ScenarioError(str(err), self.source, path) from None
        i, name, args, keys = self._data_path(path, tokens)
        if not keys:
            raise ScenarioError(f"name an argument of {name}, e.g. data[{i}].{name}.factor",
                                self.source, path)
        new_args = copy.deepcopy(dict(args))
        parent: Any = new_args
        for key in keys[:-1]:
            parent = _data_child(parent, key, path, self.source)
        if not isinstance(parent, dict) or (len(keys) == 1 and keys[0] not in _op_args(name)):
            allowed = _op_args(name)
            raise ScenarioError(f"{name} has no argument '{keys[-1]}'"
                                f"{suggest(str(keys[-1]), allowed)}; allowed: {allowed}",
                                self.source, path)
        parent[str(keys[-1])] = value
        ops = list(self.data)
        ops[i] = {name: new_args}
        return self.replace(data=tuple(ops))

    def _data_path(self, path: str, tokens: list) -> tuple[int, str, Mapping, list]:
        """(position, operation, its arguments, the keys below them) of a ``data[...]`` path."""
        if len(tokens) < 2 or not isinstance(tokens[1], int):
            raise ScenarioError("a data path starts with data[position], e.g. data[0].factor",
                                self.source, path)
        i = tokens[1]
        if not -len(self.data) <= i < len(self.data):
            raise ScenarioError(f"the scenario has {len(self.data)} data override(s), no "
                                f"data[{i}]", self.source, path)
        i %= len(self.data)
        (name, args), = self.data[i].items()
        keys = tokens[2:]
        if keys and keys[0] == name:
            keys = keys[1:]
        return i, name, args, keys

    def sweep(self, param: str, values: Iterable[float], **options: Any) -> Sweep:
        """Solve the scenario once per value of one of its numbers.

        Parameters
        ----------
        param : str
            A path as for :meth:`get`: ``budget.total``, ``constraints[1].min``,
            ``objective.weights.jobs`` or a data override such as ``data[0].factor`` (a
            metric scale, a cost shock, a capacity factor).
        values : iterable of float
        **options
            As for :func:`ikmopt.sweep` (``warm``, ``allocation_by`` ...); they override
            the scenario's solver options.

        Returns
        -------
        Sweep
            One row per value; a value that cannot be applied or solved is recorded with
            its error and the others go on. Re-solves are warm-started on one HiGHS model
            whether the policy or the data change.

        Raises
        ------
        ScenarioError
            If ``param`` does not name a number of the scenario.

        Examples
        --------
        >>> import ikmopt as ik
        >>> s = ik.load_scenario("examples/scenarios/training-cost-shock.yaml")
        >>> sw = s.sweep("data[0].factor", [1.0, 1.5])
        >>> bool(sw.table["jobs"].iloc[0] > sw.table["jobs"].iloc[1])
        True
        """
        from .sweep import sweep_values

        current = self.get(param)
        if isinstance(current, bool) or not isinstance(current, int | float):
            raise ScenarioError(f"sweep: '{param}' is {current!r}, not a number",
                                self.source, param)

        def make(value: float) -> tuple[Dataset, Policy]:
            varied = self.set(param, value)
            return varied.load_data(), varied.policy

        return sweep_values(param, values, make, **{**self.solver, **options})


def _op_args(name: str) -> list[str]:
    return [p for p in inspect.signature(DATA_OPS[name]).parameters if p != "self"]


def _data_child(obj: Any, key: Any, path: str, file: str | None) -> Any:
    if isinstance(obj, Mapping) and str(key) in obj:
        return obj[str(key)]
    if isinstance(obj, list | tuple) and isinstance(key, int) and -len(obj) <= key < len(obj):
        return obj[key]
    have = list(obj) if isinstance(obj, Mapping) else type(obj).__name__
    raise ScenarioError(f"parameter path {path!r}: no '{key}' here (found {have})", file, path)


def _stamp(path: Path) -> float:
    """Latest modification time of a dataset file or folder (0 if it does not exist)."""
    if path.is_dir():
        return max((f.stat().st_mtime for f in path.iterdir()), default=0.0)
    return path.stat().st_mtime if path.exists() else 0.0


def _file_stamps(path: Path) -> tuple[tuple[str, int, int], ...]:
    """(path, size, mtime in ns) of each file of a dataset file or folder."""
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    stats = [(f, f.stat()) for f in files if f.is_file()]
    return tuple((str(f), st.st_size, st.st_mtime_ns) for f, st in stats)


@functools.lru_cache(maxsize=32)
def _files_sha256(stamps: tuple[tuple[str, int, int], ...]) -> bytes:
    """SHA-256 of the files' names and bytes, read once per process while they are unchanged."""
    h = hashlib.sha256()
    for name, _, _ in stamps:
        h.update(Path(name).name.encode())
        h.update(Path(name).read_bytes())
    return h.digest()


@functools.lru_cache(maxsize=8)
def _read_dataset(kind: str, where: str, projects: bool, stamp: float,
                  uncertainty: bool = False) -> Dataset:
    """Read a dataset once per process (datasets are immutable; ``stamp`` sees edits)."""
    from . import datasets

    if kind == "name":
        return datasets.load(where, projects=projects, uncertainty=uncertainty)
    path = Path(where)
    if path.suffix.lower() in (".xlsx", ".xls"):
        return Dataset.from_excel(path)
    return Dataset.from_csv(path)


def _policy_key(scenario: Scenario, message: str) -> str:
    """The key path of the rule a build error names (``constraints[2].group_share``)."""
    for i, c in enumerate(scenario.policy.constraints):
        name = type(c).__name__
        if message.startswith(name) or message.startswith(c.describe()):
            return f"constraints[{i}].{_snake(name)}"
    if message.startswith("Budget"):
        return "budget"
    return "objective" if scenario.policy.objective.describe() in message else "constraints"


def _plain(value: Any) -> Any:
    """Tuples to lists, mappings to dicts, numpy numbers to Python numbers."""
    if isinstance(value, Mapping):
        return {(_plain(k) if not isinstance(k, tuple) else list(k)): _plain(v)
                for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    return value


def _args(obj: Any) -> dict[str, Any]:
    """The constructor arguments of a policy object that differ from their defaults."""
    if isinstance(obj, _o.Weighted):
        out = dict(obj.weights)
        if not obj.normalize:
            out["normalize"] = False
        return out
    out = {}
    for f in dataclasses.fields(obj):
        if not f.init:
            continue
        value = getattr(obj, f.name)
        default = (f.default if f.default is not dataclasses.MISSING
                   else f.default_factory() if f.default_factory is not dataclasses.MISSING
                   else dataclasses.MISSING)
        if value == default:
            continue
        if f.name == "targets":
            value = [_args(t) for t in value]
        elif f.name == "objectives":
            value = [_tagged(o) for o in value]
        out[f.name] = _plain(value)
    return out


def _tagged(obj: Any) -> dict[str, Any]:
    key = _snake(type(obj).__name__)
    return {key: _args(obj)}


# libyaml's safe loader and dumper when PyYAML was built with it (10x faster on big batches)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping names the same key twice (plain YAML keeps the last one without a word)."""

    def __init__(self, key: Any, first: Any, again: Any) -> None:
        super().__init__("while constructing a mapping", first, f"found duplicate key {key!r}",
                         again)
        self.key = key
        self.first_line = first.line + 1


class _Loader(_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader (still no Python tags) that refuses a key given twice in a mapping."""

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        # every mapping passes here before its keys are merged (``<<:``) and built, so only
        # the keys written in this mapping are compared; keys merged in may be overridden
        checked = self.__dict__.setdefault("_checked", set())
        if id(node) not in checked:
            checked.add(id(node))
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = self.construct_object(key_node, deep=False)
                if key in seen:
                    raise _DuplicateKeyError(key, seen[key], key_node.start_mark)
                seen[key] = key_node.start_mark
        super().flatten_mapping(node)


@functools.lru_cache(maxsize=256)
def _parse(text: str) -> Any:
    """Parsed YAML, cached by text (a batch's files share the parents they extend)."""
    return yaml.load(text, Loader=_Loader)  # a safe loader (no Python tags)


def _safe_load(text: str, file: str | None) -> Any:
    try:
        return copy.deepcopy(_parse(text))
    except _DuplicateKeyError as err:
        raise ScenarioError(
            f"key '{err.key}' is given twice (first on line {err.first_line}); YAML would "
            "silently keep only the last one, so remove or merge the duplicate",
            file, f"line {err.problem_mark.line + 1}") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ScenarioError(f"not valid YAML ({problem}); only plain YAML is read (safe "
                            "loader: no Python tags)", file, where) from None


# ---------------------------------------------------------------------- files
def _read_raw(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The file's mapping with ``extends`` resolved (mappings merged, lists replaced)."""
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
    raw = _safe_load(text, file)
    if raw is None:
        raise ScenarioError("the file is empty; a scenario needs at least budget:", file)
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"a scenario file must hold a mapping, got {_kind(raw)}", file)
    raw = dict(raw)
    parent = raw.pop("extends", None)
    if parent is None:
        return raw
    if not isinstance(parent, str):
        raise ScenarioError(f"must name a scenario file, got {_kind(parent)}", file, "extends")
    base_path = (path.parent / parent).resolve()
    if base_path in seen or base_path == path.resolve():
        raise ScenarioError(f"extends '{parent}' goes round in a circle", file, "extends")
    try:
        base = _read_raw(base_path, (*seen, path.resolve()))
    except ScenarioError as err:
        raise ScenarioError(f"in the file it extends: {err}", file, "extends") from None
    base.pop("name", None)
    dataset = base.get("dataset")
    if isinstance(dataset, Mapping) and "path" in dataset:
        # a relative dataset path stays relative to the file that wrote it
        base["dataset"] = {**dataset,
                           "path": str((base_path.parent / str(dataset["path"])).resolve())}
    return _merge(base, raw)


def _merge(base: Mapping, child: Mapping) -> dict:
    out = dict(base)
    for key, value in child.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping) and key != "dataset":
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_scenario(path: str | Path) -> Scenario:
    """Read one scenario file (``extends`` resolved; the name defaults to the file stem).

    Raises
    ------
    ScenarioError
        Naming the file and the key path.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.load_scenario("examples/scenarios/baseline.yaml").policy.budget.total
    2500.0
    """
    path = Path(path)
    raw = _read_raw(path)
    dataset = raw.get("dataset")
    if isinstance(dataset, Mapping) and "path" in dataset:
        # resolved now, so worker processes started elsewhere find the same files
        raw["dataset"] = {**dataset,
                          "path": str((path.parent / str(dataset["path"])).resolve())}
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


def load_scenarios(where: str | Path | Iterable[str | Path]) -> list[Scenario]:
    """Read every scenario of a folder, a glob pattern or a list of files.

    Raises
    ------
    ScenarioError
        For the first file that fails (use :func:`ikmopt.run_scenarios` with file paths to
        record bad files and run the others), or if no file matches.
    """
    files = scenario_files(where)
    if not files:
        raise ScenarioError(f"no scenario files found in {where!s}")
    scenarios = [load_scenario(f) for f in files]
    _check_names(scenarios)
    return scenarios


def _check_names(scenarios: list[Scenario]) -> None:
    seen: dict[str, str | None] = {}
    for s in scenarios:
        if s.name in seen:
            raise ScenarioError(f"two scenarios are named '{s.name}' ({seen[s.name]} and "
                                f"{s.source}); names must be unique in a batch", s.source, "name")
        seen[s.name] = s.source
