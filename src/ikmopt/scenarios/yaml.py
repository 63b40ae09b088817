"""Reading scenario YAML safely: no Python tags, no key twice, bounded aliases and nesting.

Files are read with PyYAML's safe loader only (no Python tags; a key given twice in a mapping
is refused rather than silently overridden). A file may come from someone else, so reading
one is bounded: YAML aliases may repeat at most :data:`MAX_ALIAS_NODES` nodes and values nest
at most :data:`MAX_NESTING` levels deep. Errors are :class:`ScenarioError` naming the file and
the line or key path, and quote values in a short form only.
"""

from __future__ import annotations

import copy
import functools
import sys
from typing import Any

import yaml

from ikmopt.core.checks import short_repr, shorten
from ikmopt.scenarios.errors import ScenarioError

__all__ = ["MAX_ALIAS_NODES", "MAX_NESTING", "dump", "safe_load"]

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


def safe_load(text: str, file: str | None) -> Any:
    """The plain values of YAML ``text``; errors name ``file`` and the line or key path.

    Raises
    ------
    ScenarioError
        For a key given twice, aliases that repeat too much or loop, values nested too deep,
        an integer too long to read, or text that is not plain YAML.
    """
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


def dump(value: Any) -> str:
    """``value`` as YAML text (safe dumper, keys in their order, Unicode as it is)."""
    return yaml.dump(value, Dumper=_DUMPER, sort_keys=False, allow_unicode=True)
