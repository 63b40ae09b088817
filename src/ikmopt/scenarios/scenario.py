"""A scenario: a dataset, data overrides, a policy and solver options, as one file holds them.

A scenario file maps 1:1 onto the Python classes through one
:data:`~ikmopt.scenarios.registry.REGISTRY`: every constraint or objective is a one-key
mapping whose key is the class name in snake case (``group_share:`` for
:class:`~ikmopt.GroupShare`) and whose value holds the class's own keyword arguments. Data
overrides map onto the :class:`~ikmopt.Dataset` methods that make what-if copies (``scale``,
``with_capacity``, ``with_cost``, ``drop_regions``). Nothing parses strings a second way: the
classes validate their arguments as they do in Python.

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

Errors name the file and the key path (for example ``constraints[2].group_share.min``).
Files, with ``extends``, are read by :mod:`ikmopt.scenarios.loading`.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ikmopt.analysis.sweep import sweep_values
from ikmopt.core.checks import short_repr
from ikmopt.core.errors import IkmoptError, PolicyError
from ikmopt.core.validation import suggest
from ikmopt.data.dataset import Dataset
from ikmopt.model.build import build
from ikmopt.model.params import get_param, parse_path, set_param
from ikmopt.model.policy import Policy
from ikmopt.scenarios.errors import ScenarioError, kind_of
from ikmopt.scenarios.inputs import files_sha256, read_dataset
from ikmopt.scenarios.registry import (
    DATA_OPS,
    SOLVER_KEYS,
    TABLE_ARGS,
    TOP_KEYS,
    Reader,
    arguments,
    op_args,
    plain,
    snake,
    tagged,
)
from ikmopt.scenarios.yaml import dump, safe_load
from ikmopt.solving.optimize import optimize
from ikmopt.solving.options import SolveOptions
from ikmopt.solving.result import Result

if TYPE_CHECKING:
    from ikmopt.analysis.sweep import Sweep

__all__ = ["Scenario"]


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
        reader = Reader(file)
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
            raise reader.fail("name", f"must be a non-empty text, got {kind_of(scenario_name)}")
        description = raw.get("description") or ""
        if not isinstance(description, str):
            raise reader.fail("description", f"must be text, got {kind_of(description)}")
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
        return cls.from_dict(safe_load(text, file), file=file)

    # ------------------------------------------------------------------ writing
    def to_dict(self) -> dict[str, Any]:
        """Plain values that :meth:`from_dict` turns back into an equal scenario."""
        out: dict[str, Any] = {"name": self.name}
        if self.description:
            out["description"] = self.description
        out["dataset"] = (self.dataset["name"] if set(self.dataset) == {"name"}
                          else dict(self.dataset))
        if self.data:
            out["data"] = [plain(op) for op in self.data]
        policy = self.policy
        out["budget"] = arguments(policy.budget)
        if policy.constraints:
            out["constraints"] = [tagged(c) for c in policy.constraints]
        out["objective"] = tagged(policy.objective)
        if policy.accrual is not None:
            out["accrual"] = arguments(policy.accrual)
        if self.solver:
            out["solver"] = dict(self.solver)
        return out

    def to_yaml(self, path: str | Path | None = None) -> str:
        """The scenario as YAML text; written to ``path`` too when given."""
        text = dump(self.to_dict())
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @property
    def digest(self) -> str:
        """SHA-256 of the scenario's inputs: its YAML and, for a dataset path, the files."""
        h = hashlib.sha256(self.to_yaml().encode())
        paths = [self._dataset_path()] if "path" in self.dataset else []
        for op in self.data:  # CSV tables of data operations
            (name, args), = op.items()
            paths += [self._table_path(v) for k, v in args.items()
                      if k in TABLE_ARGS.get(name, ()) and isinstance(v, str)]
        for path in paths:
            h.update(files_sha256(path).encode())
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
                data = read_dataset("path", str(path.resolve()), False, files_sha256(path))
            else:
                data = read_dataset("name", str(self.dataset["name"]),
                                    bool(self.dataset.get("projects", False)), "",
                                    bool(self.dataset.get("uncertainty", False)))
        except IkmoptError as err:
            raise ScenarioError(str(err), self.source, "dataset") from None
        for i, op in enumerate(self.data):
            (name, args), = op.items()
            tables = TABLE_ARGS.get(name, ())
            args = {k: self._table_path(v) if k in tables and isinstance(v, str) else v
                    for k, v in args.items()}
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
        if not isinstance(parent, dict) or (len(keys) == 1 and keys[0] not in op_args(name)):
            allowed = op_args(name)
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


def _data_child(obj: Any, key: Any, path: str, file: str | None) -> Any:
    if isinstance(obj, Mapping) and str(key) in obj:
        return obj[str(key)]
    if isinstance(obj, list | tuple) and isinstance(key, int) and -len(obj) <= key < len(obj):
        return obj[key]
    have = short_repr(list(obj)) if isinstance(obj, Mapping) else type(obj).__name__
    raise ScenarioError(f"parameter path {path!r}: no '{key}' here (found {have})", file, path)


def _policy_key(scenario: Scenario, message: str) -> str:
    """The key path of the rule a build error names (``constraints[2].group_share``)."""
    for i, c in enumerate(scenario.policy.constraints):
        name = type(c).__name__
        if message.startswith(name) or message.startswith(c.describe()):
            return f"constraints[{i}].{snake(name)}"
    if message.startswith("Budget"):
        return "budget"
    return "objective" if scenario.policy.objective.describe() in message else "constraints"

