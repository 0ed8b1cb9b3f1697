"""Strict YAML: plain data with the source position of every node kept.

PyYAML composes the document into nodes that carry their marks; we build the
Python values ourselves from those nodes, so that

* a duplicate key is an error (YAML 1.1 loaders silently keep the last one);
* no plain scalar is turned into a date or timestamp behind the author's back
  (an unquoted ``2022-09-30`` is refused: quote it, and the rule model reads it
  as a date where a date is expected);
* the YAML 1.1 booleans ``yes``/``no``/``on``/``off`` are refused as ambiguous;
  only ``true`` and ``false`` are booleans;
* anchors, aliases and merge keys are refused (a rule should read as written);
* every value keeps its position, recorded in a table keyed by its path
  (``("rules", 2, "obligation", "kind")``), which is how validation errors
  found later are pointed back at a file, line and column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from compliance.errors import ErrorGroup, Position, RuleError

Path_ = tuple[str | int, ...]

_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?([0-9][0-9_]*)?\.[0-9_]+([eE][-+]?[0-9]+)?$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}([Tt ].*)?$")
_AMBIGUOUS_BOOL = {"yes", "no", "on", "off", "y", "n"}
_NULL = {"null", "~", ""}


@dataclass
class Document:
    """A loaded YAML document: its value and the position of every node in it."""

    value: Any
    file: str
    positions: dict[Path_, Position] = field(default_factory=dict)
    seen: set[int] = field(default_factory=set, repr=False)
    #: Errors that do not stop reading (duplicate keys, unquoted dates, yes/no), so that
    #: an author sees them together with the errors found when the rules are checked.
    errors: list[RuleError] = field(default_factory=list)

    def raise_errors(self) -> None:
        """Raise the collected errors (one, or an :class:`ErrorGroup`)."""
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ErrorGroup(self.errors)

    def where(self, path: Path_) -> Position:
        """The position of the deepest node on ``path`` that the document has.

        Validation errors name paths that may run past what is in the file (a
        missing field, a union tag); the nearest existing ancestor is the place
        an author should look.
        """
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), Position(self.file, 1, 1))

    def key_position(self, path: Path_) -> Position:
        """The position of a mapping key (rather than of its value)."""
        return self.positions.get(tuple(path) + ("<key>",), self.where(path))


def load(path: Path | str, *, text: str | None = None, collect: bool = False) -> Document:
    """Load one YAML file strictly. Errors are :class:`RuleError` with positions.

    With ``collect=True`` the errors that do not stop reading are left in
    ``Document.errors`` (the offending value kept as text) instead of raised.
    """
    name = str(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise RuleError(f"cannot read the file: {error}", where=Position(name)) from error
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = Position(name, mark.line + 1, mark.column + 1) if mark else Position(name)
        raise RuleError(f"not valid YAML: {error.problem or error.context}", where=where) from error
    document = Document(None, name)
    if node is None:
        document.value = None
        return document
    document.value = _build(node, (), document)
    if not collect:
        document.raise_errors()
    return document


def loads(text: str, name: str = "<string>", *, collect: bool = False) -> Document:
    """Load YAML from a string (for tests and embedding systems)."""
    return load(name, text=text, collect=collect)


def _position(node: yaml.Node, file: str) -> Position:
    return Position(file, node.start_mark.line + 1, node.start_mark.column + 1)


def _build(node: yaml.Node, path: Path_, document: Document) -> Any:
    where = _position(node, document.file)
    document.positions[path] = where
    if id(node) in document.seen:  # PyYAML resolves an alias to the anchored node itself
        raise RuleError("anchors and aliases are not allowed in rule files", where=where)
    document.seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise RuleError("a mapping key must be a plain name", where=_position(key_node, document.file))
            if key_node.value == "<<":
                raise RuleError("merge keys (<<) are not allowed", where=_position(key_node, document.file))
            key = key_node.value
            if key in result:
                first = document.positions[path + (key, "<key>")]
                document.errors.append(RuleError(
                    f"duplicate key {key!r} (first given at line {first.line})",
                    where=_position(key_node, document.file),
                    found=key,
                ))
                continue
            document.positions[path + (key, "<key>")] = _position(key_node, document.file)
            result[key] = _build(value_node, path + (key,), document)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (index,), document) for index, item in enumerate(node.value)]
    try:
        return _scalar(node, where)
    except _Ambiguous as error:
        document.errors.append(error.error)
        return node.value


class _Ambiguous(Exception):
    """A plain scalar read as text after its error was recorded."""

    def __init__(self, error: RuleError) -> None:
        self.error = error


def _scalar(node: yaml.ScalarNode, where: Position) -> Any:
    text = node.value
    if node.style is not None:  # quoted or block scalar: always a string
        return text
    if node.tag not in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                        "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
                        "tag:yaml.org,2002:value"):
        raise RuleError("explicit YAML tags are not allowed", where=where, found=node.tag)
    lowered = text.lower()
    if lowered in _NULL:
        return None
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in _AMBIGUOUS_BOOL:
        raise _Ambiguous(RuleError(
            "ambiguous plain value (YAML 1.1 reads it as a boolean)",
            where=where,
            found=text,
            expected="true or false, or the text in quotes",
        ))
    if _TIMESTAMP.match(text):
        raise _Ambiguous(RuleError(
            "a date or time must be quoted, so that it is not turned into a timestamp implicitly",
            where=where,
            found=text,
            suggestion=f'"{text}"',
        ))
    if _INT.match(text):
        return int(text.replace("_", ""))
    if _FLOAT.match(text):
        return float(text.replace("_", ""))
    return text


def walk_strings(value: Any, path: Path_ = ()) -> list[tuple[Path_, str]]:
    """Every string in a loaded value, with its path (used to resolve ``$parameter``)."""
    found: list[tuple[Path_, str]] = []
    if isinstance(value, str):
        found.append((path, value))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            found.extend(walk_strings(item, path + (key,)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(walk_strings(item, path + (index,)))
    return found
