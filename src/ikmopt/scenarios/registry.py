"""The registry of scenario keys, and the reader and writer of the policy objects they name.

Every constraint or objective is a one-key mapping whose key is the class name in snake case
(``group_share:`` for :class:`~ikmopt.GroupShare`) and whose value holds the class's own
keyword arguments (:data:`REGISTRY`). Data overrides map onto the :class:`~ikmopt.Dataset`
methods that make what-if copies (:data:`DATA_OPS`). :class:`Reader` turns plain values into
these objects, keeping the key path for errors; :func:`tagged` and :func:`arguments` write
them back. Nothing parses strings a second way: the classes validate their arguments as they
do in Python.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from collections.abc import Callable, Mapping
from typing import Any

from ikmopt.core.checks import short_repr
from ikmopt.core.errors import IkmoptError, PolicyError
from ikmopt.core.validation import suggest
from ikmopt.data.accrual import Accrual
from ikmopt.data.dataset import Dataset
from ikmopt.model import constraints as _c
from ikmopt.model import objectives as _o
from ikmopt.model.objectives import Objective
from ikmopt.model.objectives.risk import CVaR, ExpectedValue
from ikmopt.model.params import parse_path, set_param
from ikmopt.model.policy import Policy
from ikmopt.scenarios.errors import ScenarioError, kind_of
from ikmopt.solving.options import ALGORITHMS, SOLVERS, SolveOptions

__all__ = [
    "DATA_OPS",
    "REGISTRY",
    "SOLVER_KEYS",
    "TABLE_ARGS",
    "TOP_KEYS",
    "Reader",
    "arguments",
    "op_args",
    "plain",
    "snake",
    "tagged",
]

#: Scenario keys that snake case would spell badly.
_KEYS = {"CVaR": "cvar"}


def snake(name: str) -> str:
    """``GroupShare`` -> ``group_share`` (and ``CVaR`` -> ``cvar``)."""
    return _KEYS.get(name) or re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


_CONSTRAINTS = (_c.RegionBounds, _c.GroupShare, _c.ProgramShare, _c.Target, _c.Ramp,
                _c.GiniCap, _c.OutcomeEquity, _c.ProjectCount, _c.FundProposals, _c.LastYear,
                _c.MinimumAllocation, _c.CoFunding, _c.Relation, _c.ExpectedAbsorption)
_OBJECTIVES = (_o.Maximize, _o.Weighted, _o.PovertyWeighted, _o.MaxMin, _o.MinCost,
               _o.Lexicographic, _o.GoalProgram, CVaR, ExpectedValue)

#: Scenario keys of every constraint and objective class: ``{"constraints": {key: cls},
#: "objective": {key: cls}}``. The file reference in the docs is generated from it.
REGISTRY: dict[str, dict[str, type]] = {
    "constraints": {snake(cls.__name__): cls for cls in _CONSTRAINTS},
    "objective": {snake(cls.__name__): cls for cls in _OBJECTIVES},
}

#: Data overrides: scenario key -> Dataset method (applied in the order given).
DATA_OPS: dict[str, Callable[..., Dataset]] = {
    "scale": Dataset.scale,
    "with_capacity": Dataset.with_capacity,
    "with_cost": Dataset.with_cost,
    "drop_regions": Dataset.drop_regions,
    "add_regions": Dataset.add_regions,
    "with_proposals": Dataset.with_proposals,
    "with_last_year": Dataset.with_last_year,
}
#: Arguments of data operations that may name a CSV file (relative to the scenario file).
TABLE_ARGS: dict[str, tuple[str, ...]] = {
    "add_regions": ("regions", "impacts", "curves", "projects"),
    "with_proposals": ("proposals",),
    "with_last_year": ("last_year",),
}

#: Top-level keys of a scenario file.
TOP_KEYS = ("name", "description", "extends", "dataset", "data", "budget", "constraints",
            "objective", "accrual", "set", "solver")
#: Keys of the ``solver:`` mapping (keyword arguments of :func:`ikmopt.optimize`).
SOLVER_KEYS = tuple(f.name for f in dataclasses.fields(SolveOptions))
#: Arguments whose YAML list becomes a tuple.
_TUPLE_ARGS = ("by", "regions", "pots", "program")


# ---------------------------------------------------------------------- parsing
class Reader:
    """Turns plain YAML values into policy objects, keeping the key path for errors."""

    def __init__(self, file: str | None) -> None:
        self.file = file

    def fail(self, key: str, message: str) -> ScenarioError:
        """The error to raise for ``key`` of this file."""
        return ScenarioError(message, self.file, key)

    def mapping(self, value: Any, key: str, what: str) -> Mapping:
        """``value`` if it is a mapping (``what`` says of what), else an error."""
        if not isinstance(value, Mapping):
            raise self.fail(key, f"must be a mapping ({what}), got {kind_of(value)}")
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
        """``value`` if it is a list, else an error."""
        if not isinstance(value, list):
            raise self.fail(key, f"must be a list, got {kind_of(value)}")
        return value

    def one_of(self, section: str, value: Any, key: str) -> Any:
        """A one-key mapping ``{registry_key: arguments}`` of ``section``."""
        known = REGISTRY[section]
        if isinstance(value, str) and value in known:  # a class without arguments
            value = {value: {}}
        if not isinstance(value, Mapping) or len(value) != 1:
            raise self.fail(
                key, f"must be one mapping {{kind: arguments}} with a kind from {sorted(known)}"
                f", got {kind_of(value)}",
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
        """The policy of a scenario's keys: budget, constraints, objective, accrual, set."""
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
        """The ``data:`` overrides, each ``{operation: arguments}`` with known arguments."""
        ops = []
        for i, op in enumerate(self.sequence(raw or [], "data")):
            key = f"data[{i}]"
            if not isinstance(op, Mapping) or len(op) != 1:
                raise self.fail(key, "must be one mapping {operation: arguments} with an "
                                f"operation from {sorted(DATA_OPS)}, got {kind_of(op)}")
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
            if len(TABLE_ARGS.get(name, ())) == 1 and not isinstance(args, Mapping):
                args = {TABLE_ARGS[name][0]: args}  # with_proposals: proposals.csv
            args = dict(self.mapping(args, f"{key}.{name}", f"arguments of {name}"))
            allowed = op_args(name)
            for arg in args:
                if arg not in allowed:
                    raise self.fail(f"{key}.{name}.{arg}", f"unknown argument of {name}: "
                                    f"{short_repr(arg)}{suggest(str(arg), allowed)}; "
                                    f"allowed: {allowed}")
            ops.append({name: args})
        return tuple(ops)

    def dataset(self, raw: Any) -> dict:
        """The ``dataset:`` key as a mapping with a ``name`` or a ``path``."""
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
        """The ``solver:`` options, each checked as :class:`~ikmopt.SolveOptions` checks it."""
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


def op_args(name: str) -> list[str]:
    """The arguments of data operation ``name`` (its method's, without ``self``)."""
    return [p for p in inspect.signature(DATA_OPS[name]).parameters if p != "self"]


# ---------------------------------------------------------------------- writing
def plain(value: Any) -> Any:
    """Tuples to lists, mappings to dicts, numpy numbers to Python numbers."""
    if isinstance(value, Mapping):
        return {(plain(k) if not isinstance(k, tuple) else list(k)): plain(v)
                for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    return value


def arguments(obj: Any) -> dict[str, Any]:
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
        if f.name in ("targets", "terms"):
            value = [arguments(t) for t in value]
        elif f.name == "objectives":
            value = [tagged(o) for o in value]
        elif f.name == "pots":
            value = [arguments(p) for p in value]
        out[f.name] = plain(value)
    return out


def tagged(obj: Any) -> dict[str, Any]:
    """``{scenario key: arguments}`` of a constraint or objective, as a file writes it."""
    key = snake(type(obj).__name__)
    return {key: arguments(obj)}
