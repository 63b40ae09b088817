"""Parameter paths: read and replace one number inside a frozen policy.

A path names a field the way a scenario file does: ``budget.total``,
``constraints[1].min``, ``budget.by.program.sentra``, ``objective.weights.jobs``,
``accrual.discount``. Replacing returns a new, re-validated policy; nothing is mutated.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from ikmopt.core.errors import PolicyError

__all__ = ["get_param", "parse_path", "set_param"]

_TOKEN = re.compile(
    r"([A-Za-z_][A-Za-z0-9_]*)|\[(-?\d+)\]|\[\"([^\"]*)\"\]|\['([^']*)'\]|\."
)


class Key(str):
    """A mapping key written in brackets and quotes: ``by.channel["DAK fisik"]``."""


def parse_path(path: str) -> list[str | int]:
    """Split a path into names, list positions and quoted keys.

    ``"constraints[1].min"`` gives ``["constraints", 1, "min"]``; a mapping key that is not
    a Python name goes in brackets and quotes (``budget.by.channel["DAK fisik"]``), and a
    number in brackets indexes a list or, on a mapping, is its key
    (``budget.by.year[2025]``).
    """
    if not isinstance(path, str) or not path.strip():
        raise PolicyError(f"a parameter path must be a non-empty string, got {path!r}")
    tokens: list[str | int] = []
    pos = 0
    for match in _TOKEN.finditer(path):
        if match.start() != pos:
            break
        pos = match.end()
        name, index, double, single = match.groups()
        if name is not None:
            tokens.append(name)
        elif index is not None:
            tokens.append(int(index))
        elif double is not None or single is not None:
            tokens.append(Key(double if double is not None else single))
    if pos != len(path) or not tokens:
        raise PolicyError(
            f"cannot read parameter path {path!r}: use names, dots and [index], e.g. "
            "'budget.total' or 'constraints[1].min'"
        )
    return tokens


def _fields(obj: Any) -> list[str]:
    if dataclasses.is_dataclass(obj):
        return [f.name for f in dataclasses.fields(obj) if f.init or f.name == "weights"]
    if isinstance(obj, Mapping):
        return [str(k) for k in obj]
    return []


def _child(obj: Any, token: str | int, path: str, done: str) -> Any:
    where = done or "the policy"
    if isinstance(token, int) and isinstance(obj, Mapping):
        token = str(token)
    if isinstance(token, int):
        if not isinstance(obj, tuple | list):
            raise PolicyError(f"parameter path {path!r}: {where} is not a list, [{token}] fails")
        if not -len(obj) <= token < len(obj):
            raise PolicyError(
                f"parameter path {path!r}: {where} has {len(obj)} entries, no [{token}]"
            )
        return obj[token]
    if isinstance(obj, Mapping):
        for key in obj:
            if str(key) == token:
                return obj[key]
        raise PolicyError(
            f"parameter path {path!r}: {where} has no key '{token}'; keys: {_fields(obj)}"
        )
    if dataclasses.is_dataclass(obj) and token in _fields(obj):
        return getattr(obj, token)
    raise PolicyError(
        f"parameter path {path!r}: {where} ({type(obj).__name__}) has no field '{token}'; "
        f"fields: {_fields(obj)}"
    )


def get_param(policy: Any, path: str) -> Any:
    """Return the value at ``path`` in ``policy``.

    Parameters
    ----------
    policy : Policy
    path : str
        See :func:`parse_path`, e.g. ``"budget.total"`` or ``"constraints[1].min"``.

    Raises
    ------
    PolicyError
        If the path does not name a field, key or position of the policy; the message
        names the part that fails and what is there.

    Examples
    --------
    >>> import ikmopt as ik
    >>> from ikmopt.model.params import get_param
    >>> get_param(ik.default_policy(), "constraints[1].min")
    0.4
    """
    obj, done = policy, ""
    for token in parse_path(path):
        obj = _child(obj, token, path, done)
        done += f"[{token}]" if isinstance(token, int) else (f".{token}" if done else token)
    return obj


def set_param(policy: Any, path: str, value: Any) -> Any:
    """Return a copy of ``policy`` with the value at ``path`` replaced.

    The changed objects are rebuilt through their constructors, so the new value is
    validated like any other (a share above 1 raises :class:`~ikmopt.PolicyError`).

    Parameters
    ----------
    policy : Policy
    path : str
        See :func:`parse_path`.
    value : object
        The new value.

    Raises
    ------
    PolicyError
        If the path does not exist or the new value is not allowed there.

    Examples
    --------
    >>> import ikmopt as ik
    >>> from ikmopt.model.params import set_param
    >>> set_param(ik.default_policy(), "budget.total", 2000).budget.total
    2000.0
    """
    tokens = parse_path(path)

    def replace(obj: Any, rest: list[str | int], done: str) -> Any:
        token = rest[0]
        here = done + (f"[{token}]" if isinstance(token, int) else (f".{token}" if done else token))
        child = _child(obj, token, path, done)
        new = value if len(rest) == 1 else replace(child, rest[1:], here)
        if isinstance(token, int) and isinstance(obj, Mapping):
            token = str(token)
        if isinstance(token, int):
            items = list(obj)
            items[token] = new
            return type(obj)(items) if isinstance(obj, tuple) else items
        if isinstance(obj, Mapping):
            return {k: (new if str(k) == token else v) for k, v in obj.items()}
        own = getattr(obj, "replace", None)  # objects that rebuild themselves (objectives)
        if callable(own):
            return own(**{token: new})
        return dataclasses.replace(obj, **{token: new})

    return replace(policy, tokens, "")
