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

A file may come from someone else, so reading one is bounded: YAML aliases may repeat at most
:data:`MAX_ALIAS_NODES` nodes and values nest at most :data:`MAX_NESTING` levels deep,
``extends`` chains are at most :data:`MAX_EXTENDS_DEPTH` files long, and the files a scenario
names (``extends``, ``dataset.path``, the CSV tables of ``add_regions``) must lie under the
folder of the scenario file being loaded or under a ``root`` folder its caller allows
explicitly. Error messages quote values in a short form, and never the content of a file
that is no scenario.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import glob
import hashlib
import inspect
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ikmopt.analysis.sweep import sweep_values
from ikmopt.core.checks import short_repr, shorten
from ikmopt.core.errors import IkmoptError, PolicyError
from ikmopt.core.validation import suggest
from ikmopt.data import datasets
from ikmopt.data.accrual import Accrual
from ikmopt.data.dataset import Dataset
from ikmopt.model import constraints as _c
from ikmopt.model import objectives as _o
from ikmopt.model.build import build
from ikmopt.model.objectives import Objective
from ikmopt.model.objectives.risk import CVaR, ExpectedValue
from ikmopt.model.params import get_param, parse_path, set_param
from ikmopt.model.policy import Policy
from ikmopt.solving.optimize import optimize
from ikmopt.solving.options import ALGORITHMS, SOLVERS, SolveOptions
from ikmopt.solving.result import Result

if TYPE_CHECKING:
    from ikmopt.analysis.sweep import Sweep

__all__ = [
    "DATA_OPS",
    "MAX_ALIAS_NODES",
    "MAX_EXTENDS_DEPTH",
    "MAX_NESTING",
    "REGISTRY",
    "REPLACED_KEYS",
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
        self.key = shorten(str(key), 200)
        key = self.key
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
SOLVER_KEYS = tuple(f.name for f in dataclasses.fields(SolveOptions))
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
                raise self.fail(key, f"argument names must be text, got {short_repr(name)}")
            if name not in allowed and not open_kwargs:
                raise self.fail(
                    f"{key}.{name}",
                    f"unknown argument of {cls.__name__}: {short_repr(name)}"
                    f"{suggest(name, allowed)}; allowed: {sorted(allowed)}",
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
                f"{short_repr(kind)}{suggest(str(kind), known)}; known: {sorted(known)}",
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
            value = self.whole_value(str(path), value)
            try:
                policy = set_param(policy, str(path), value)
            except IkmoptError as err:
                raise self.fail(f"set.{path}", str(err)) from None
        return policy

    def whole_value(self, path: str, value: Any) -> Any:
        """A ``set:`` value for a path naming a whole rule, read as that key of a file is.

        ``objective``, ``budget``, ``accrual``, ``constraints`` and ``constraints[i]`` take
        the same YAML as the top-level keys (``{poverty_weighted: {}}``); a number or any
        other part of a rule is passed on as it is.
        """
        key = f"set.{path}"
        try:
            tokens = parse_path(path)
        except IkmoptError as err:
            raise self.fail(key, str(err)) from None
        if tokens == ["objective"]:
            return self.one_of("objective", value, key)
        if tokens == ["budget"]:
            return self.call(_c.Budget, value, key)
        if tokens == ["accrual"]:
            return None if value is None else self.call(Accrual, value, key)
        if tokens == ["constraints"]:
            return [self.one_of("constraints", c, f"{key}[{i}]")
                    for i, c in enumerate(self.sequence(value, key))]
        if len(tokens) == 2 and tokens[0] == "constraints" and isinstance(tokens[1], int):
            return self.one_of("constraints", value, key)
        return value

    def data_ops(self, raw: Any) -> tuple[dict, ...]:
        ops = []
        for i, op in enumerate(self.sequence(raw or [], "data")):
            key = f"data[{i}]"
            if not isinstance(op, Mapping) or len(op) != 1:
                raise self.fail(key, "must be one mapping {operation: arguments} with an "
                                f"operation from {sorted(DATA_OPS)}, got {_kind(op)}")
            (name, args), = op.items()
            if name not in DATA_OPS:
                raise self.fail(f"{key}.{name}", f"unknown data operation {short_repr(name)}"
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
                                    f"{short_repr(arg)}{suggest(str(arg), allowed)}; "
                                    f"allowed: {allowed}")
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
        spec = dict(self.mapping(raw or {}, "solver", "options of ik.optimize"))
        if "solver" in spec and spec["solver"] not in SOLVERS:
            raise self.fail("solver.solver", f"unknown solver {short_repr(spec['solver'])}; "
                            f"choose one of {list(SOLVERS)}")
        if "algorithm" in spec and spec["algorithm"] not in ALGORITHMS:
            raise self.fail("solver.algorithm", "unknown algorithm "
                            f"{short_repr(spec['algorithm'])}; choose one of {list(ALGORITHMS)}")
        for k in spec:
            if k not in SOLVER_KEYS:
                raise self.fail(f"solver.{k}", "unknown solver option"
                                f"{suggest(str(k), SOLVER_KEYS)}; allowed: {list(SOLVER_KEYS)}")
        for k, v in spec.items():  # each value as SolveOptions checks it
            try:
                SolveOptions.of(**{k: v})
            except PolicyError as err:
                raise self.fail(f"solver.{k}", str(err)) from None
        return spec


def _parameters(cls: type) -> tuple[set[str], bool]:
    """Keyword arguments a class accepts, and whether it takes any (``**kwargs``)."""
    params = inspect.signature(cls).parameters
    names = {n for n, p in params.items() if p.kind is not inspect.Parameter.VAR_KEYWORD}
    return names, any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def _kind(value: Any) -> str:
    """``list [1, 2, ...]``: the type and a short repr, cut at a word boundary."""
    return f"{type(value).__name__} {short_repr(value, 72)}"


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
            h.update(_files_sha256(path).encode())
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
                data = _read_dataset("path", str(path.resolve()), False, _files_sha256(path))
            else:
                data = _read_dataset("name", str(self.dataset["name"]),
                                     bool(self.dataset.get("projects", False)), "",
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
        data = self.load_data()
        try:
            build(data, self.policy)
        except IkmoptError as err:
            raise ScenarioError(str(err), self.source, _policy_key(self, str(err))) from None

    @property
    def solve_options(self) -> SolveOptions:
        """The scenario's ``solver:`` options as one object."""
        return SolveOptions.of(**self.solver)

    def run(self, solver: str | SolveOptions | None = None, **solve_options: Any) -> Result:
        """Load the data and optimize; options given here override the scenario's own."""
        options = self.solve_options if solver is None else SolveOptions.of(
            solver, **{k: v for k, v in self.solver.items() if k != "solver"})
        return optimize(self.load_data(), self.policy, options.replace(**solve_options))

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    # ------------------------------------------------------------------ parameters
    def get(self, path: str) -> Any:
        """The value at a parameter path.

        A path into the policy as in :func:`ikmopt.model.params.get_param` (``budget.total``,
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
        current = self.get(param)
        if isinstance(current, bool) or not isinstance(current, int | float):
            raise ScenarioError(f"sweep: '{param}' is {short_repr(current)}, not a number",
                                self.source, param)

        def make(value: float) -> tuple[Dataset, Policy]:
            varied = self.set(param, value)
            return varied.load_data(), varied.policy

        solver = options.pop("solver", None)
        base = self.solve_options if solver is None else SolveOptions.of(
            solver, **{k: v for k, v in self.solver.items() if k != "solver"})
        solve = {k: options.pop(k) for k in list(options) if k in SOLVER_KEYS}
        return sweep_values(param, values, make, solver=base.replace(**solve), **options)


def _op_args(name: str) -> list[str]:
    return [p for p in inspect.signature(DATA_OPS[name]).parameters if p != "self"]


def _data_child(obj: Any, key: Any, path: str, file: str | None) -> Any:
    if isinstance(obj, Mapping) and str(key) in obj:
        return obj[str(key)]
    if isinstance(obj, list | tuple) and isinstance(key, int) and -len(obj) <= key < len(obj):
        return obj[key]
    have = short_repr(list(obj)) if isinstance(obj, Mapping) else type(obj).__name__
    raise ScenarioError(f"parameter path {path!r}: no '{key}' here (found {have})", file, path)


def _files_sha256(path: Path) -> str:
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
def _read_dataset(kind: str, where: str, projects: bool, content: str,
                  uncertainty: bool = False) -> Dataset:
    """Read a dataset once per process and content (``content`` is :func:`_files_sha256`).

    Datasets are immutable, so equal content gives the same object; any change of a file,
    whatever its modification time, gives a new key and a fresh read.
    """
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
    own = obj.file_args() if isinstance(obj, Objective) else None
    if own is not None:
        return own
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


#: Nodes that YAML aliases (``*name``) may repeat in one file, beyond the nodes written out:
#: more is refused before anything is built (a "billion laughs" file of a few hundred bytes
#: would otherwise expand to a billion strings).
MAX_ALIAS_NODES = 100_000
#: Levels that the values of a scenario file may nest (a real file needs about six).
MAX_NESTING = 100
#: Sizes above this are not counted further (keeps the arithmetic small).
_SIZE_CAP = 10**12


class _DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping names the same key twice (plain YAML keeps the last one without a word)."""

    def __init__(self, key: Any, first: Any, again: Any) -> None:
        super().__init__("while constructing a mapping", first,
                         f"found duplicate key {short_repr(key)}", again)
        self.key = key
        self.first_line = first.line + 1


class _Refused(yaml.YAMLError):
    """A document the loader will not build; ``key`` is the key path it names, if any."""

    def __init__(self, message: str, node: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.node = node
        self.key = ""


def _children(node: Any) -> list:
    """The nodes directly inside a composed YAML node (keys and values of a mapping)."""
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _check_nodes(root: Any) -> None:
    """Refuse a composed document whose aliases repeat too much or loop, or that nests deep.

    Each node is visited once (no Python recursion), counting the nodes a full expansion
    would hold; what exceeds the nodes written out is what the aliases repeat.
    """
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        inner = _children(node)
        if done:
            open_.discard(key)
            size[key] = min(1 + sum(size[id(c)] for c in inner), _SIZE_CAP)
            height[key] = 1 + max((height[id(c)] for c in inner), default=0)
            continue
        if key in size:
            continue
        if key in open_:
            raise _Refused("an alias (*name) refers to a value that contains it, so the value "
                           "never ends; write the value out instead", node)
        open_.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in inner)
    repeated = size[id(root)] - len(size)
    if repeated > MAX_ALIAS_NODES:
        raise _Refused(f"YAML aliases (*name) in this file repeat {_count(repeated)} values, "
                       f"more than the {MAX_ALIAS_NODES:,} allowed (a file that expands like "
                       "this is an alias bomb); write the values out or use fewer aliases")
    if height[id(root)] > MAX_NESTING:
        raise _Refused(f"values nest {height[id(root)]} levels deep, more than the "
                       f"{MAX_NESTING} allowed; a scenario file needs only a few levels")


def _count(n: int) -> str:
    return f"{n:,}" if n < _SIZE_CAP else f"more than {_SIZE_CAP:,}"


def _node_path(root: Any, target: Any) -> str:
    """The key path (``budget.total``, ``constraints[0]``) of ``target`` in a document."""
    stack: list[tuple[Any, str]] = [(root, "")]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if node is target:
            return path
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((c, f"{path}[{i}]") for i, c in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                name = shorten(str(k.value), 40) if isinstance(k, yaml.ScalarNode) else "?"
                stack.extend([(k, path), (v, f"{path}.{name}" if path else name)])
    return ""


class _Loader(_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader (still no Python tags) that refuses a key given twice in a mapping.

    It also refuses, before building anything, a document whose aliases repeat more than
    :data:`MAX_ALIAS_NODES` nodes or that nests deeper than :data:`MAX_NESTING`, and an
    integer too long for Python to read, naming its key path.
    """

    def construct_document(self, node: yaml.Node) -> Any:
        try:
            _check_nodes(node)
            return super().construct_document(node)
        except _Refused as err:
            if err.node is not None:
                err.key = _node_path(node, err.node)
            raise

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # beyond sys.get_int_max_str_digits() (4300 by default)
            digits = sum(ch.isdigit() for ch in str(node.value))
            raise _Refused(f"the integer on line {node.start_mark.line + 1} has {digits:,} "
                           f"digits, more than Python reads ({sys.get_int_max_str_digits():,}); "
                           "no budget needs so many (money is in Rp billion)", node) from None

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


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


@functools.lru_cache(maxsize=256)
def _parse(text: str) -> Any:
    """Parsed YAML, cached by text (a batch's files share the parents they extend)."""
    return yaml.load(text, Loader=_Loader)  # a safe loader (no Python tags)


def _safe_load(text: str, file: str | None) -> Any:
    try:
        return copy.deepcopy(_parse(text))
    except _DuplicateKeyError as err:
        raise ScenarioError(
            f"key {short_repr(err.key)} is given twice (first on line {err.first_line}); YAML "
            "would silently keep only the last one, so remove or merge the duplicate",
            file, f"line {err.problem_mark.line + 1}") from None
    except _Refused as err:
        raise ScenarioError(err.message, file, err.key) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = shorten(getattr(err, "problem", None) or str(err).splitlines()[0], 120)
        raise ScenarioError(f"not valid YAML ({problem}); only plain YAML is read (safe "
                            "loader: no Python tags)", file, where) from None


# ---------------------------------------------------------------------- files
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

    The paths are ``dataset.path`` and the CSV tables of ``add_regions``.
    """
    out = dict(raw)
    dataset = raw.get("dataset")
    if isinstance(dataset, Mapping) and "path" in dataset:
        out["dataset"] = {**dataset, "path": fn("dataset.path", str(dataset["path"]))}
    if isinstance(raw.get("data"), list):
        out["data"] = [_map_table_paths(op, f"data[{i}]", fn) for i, op in enumerate(raw["data"])]
    return out


def _map_table_paths(op: Any, key: str, fn: Callable[[str, str], str]) -> Any:
    if not isinstance(op, Mapping) or not isinstance(op.get("add_regions"), Mapping):
        return op
    args = {k: fn(f"{key}.add_regions.{k}", v) if k in _TABLE_ARGS and isinstance(v, str)
            else v for k, v in op["add_regions"].items()}
    return {**op, "add_regions": args}


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
        raise ScenarioError(f"must name a scenario file, got {_kind(parent)}", file, "extends")
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
    raw = _safe_load(text, file)
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
    2500.0
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
