"""Readers: rows out of CSV, JSON Lines and XLSX files, each with the place it came from.

A reader knows the file format and nothing of the records: it yields raw rows as
``(line, columns, values, problem)`` tuples, where ``columns`` are the column names
as they appear in the file, ``values`` the row's values in the same order (strings
for CSV, JSON values for JSON Lines, cell values for XLSX), and ``problem`` is
None, or ``(column, column_number, reason)`` when the row could not even be read
(a line that is not JSON, a row longer than the header). Header-based formats
yield the same ``columns`` tuple object for every row, so that whoever interprets
the columns can do so once per file.

Rows with no value at all (blank lines, empty spreadsheet rows) are skipped: there
is nothing in them to keep.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from compliance.errors import Position, RecordError

RawRow = tuple[int, tuple[str, ...] | None, Any, tuple[str | None, int | None, str] | None]
"""``(line, columns, values, problem)``; ``columns`` is None when ``values`` is a ready model."""

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
GB18030 = "gb18030"
_BOM = codecs.BOM_UTF8
_CHUNK = 1 << 20
RAW_TEXT = "raw"
"""The key under which a line that is not a JSON object is kept in a rejection's record."""

_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")  # \ud800 … \udfff as JSON writes them
_SURROGATE_REPR = re.compile(r"\\ud[89a-f][0-9a-f]{2}")  # as repr() writes one (a literal backslash-u text matches too)


def lone_surrogate(value: Any, name: str | None = None) -> tuple[str | None, str] | None:
    """The first text in ``value`` (a string, or the strings of a dict or list, keys included) that holds
    a UTF-16 surrogate, with the key it is under: ``(key, text)``; None if there is none.

    JSON can write one (``"\\ud800"``) and Python reads it, but it is not a character: no output
    file could hold it. Records in files and in memory that hold one are rejected.

    >>> lone_surrogate({"event_id": "E1", "attributes": {"note": "a\\udfffb"}})
    ('attributes', 'a\\udfffb')
    >>> lone_surrogate({"event_id": "E1", "name": "\U0001F600"}) is None  # a pair read as one character is fine
    True
    """
    if name is None and not _SURROGATE_REPR.search(repr(value)):  # the common case, decided in C
        return None
    if isinstance(value, str):
        return (name, value) if _SURROGATE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            under = name if name is not None else str(key)
            found = lone_surrogate(key, under) or lone_surrogate(item, under)
            if found:
                return found
    elif isinstance(value, (list, tuple)):
        for item in value:
            found = lone_surrogate(item, name)
            if found:
                return found
    return None


def json_limit(error: Exception) -> str:
    """Why well-formed JSON could not be read: Python's limits on integers and on nesting."""
    if isinstance(error, RecursionError):
        return "nested too deeply"
    return str(error).split(";")[0]  # "Exceeds the limit (4300 digits) for integer string conversion: …"


_SCAN = json.JSONDecoder().scan_once  # json.loads less its wrapper: on stripped text, valid JSON is read whole
_INEXACT = frozenset({float, list, dict})  # values orjson may read otherwise than json (see below)


def json_object(text: str) -> dict[str, Any] | None:
    """The JSON object that ``text`` (stripped, not empty) holds, exactly as :func:`json.loads`
    reads it; None if ``json.loads`` would fail or give anything but an object.

    orjson reads it first, about twice as fast. Its result is taken only when it
    must equal json's: an object whose values are text, integers, booleans or
    null. Otherwise (a float, a list or an object inside, which orjson may read
    otherwise: it reads an integer beyond 64 bits as a float, and its nesting
    limit is not Python's), and whenever orjson fails (it refuses ``NaN``,
    ``1e400`` and lone surrogates, which json reads), json reads it.
    ``tests/test_json_object.py`` checks the two agree on drawn texts.

    >>> json_object('{"deaths": 2, "grade": "重大"}'), json_object('{"n": 18446744073709551616}')
    ({'deaths': 2, 'grade': '重大'}, {'n': 18446744073709551616})
    >>> json_object('[1]') is None, json_object('{"a": 1} x') is None
    (True, True)
    """
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    else:
        if value.__class__ is not dict:
            return None  # text that reads whole as no object: json reads no object either
        if _INEXACT.isdisjoint(map(type, value.values())):
            return value  # type: ignore[no-any-return]
    try:
        value, end = _SCAN(text, 0)
    except Exception:  # not JSON (StopIteration, JSONDecodeError), or beyond Python's limits
        return None
    if end != len(text) or value.__class__ is not dict:
        return None
    return value  # type: ignore[no-any-return]


def surrogate_reason(found: tuple[str | None, str]) -> str:
    """Why a record holding a lone surrogate is rejected (see :func:`lone_surrogate`)."""
    name, text = found
    code = _SURROGATE.search(text).group()  # type: ignore[union-attr]
    reason = f"not valid text: {text!r} holds \\u{ord(code):04x}, half of a UTF-16 pair (the export's encoding is broken)"
    return f"{name}: {reason}" if name else reason


@dataclass
class Source:
    """The rows of one record kind, and where they come from.

    ``rows`` is consumed once. ``numbered`` says whether columns have positions
    (a header); JSON Lines and records in memory have none.
    """

    kind: str
    file: str
    rows: Iterator[RawRow]
    sheet: str | None = None
    encoding: str | None = None
    numbered: bool = True
    path: Path | None = None
    """The CSV file itself, for a reader that takes it whole (:mod:`compliance.records.bulk`)."""
    codec: str | None = None
    """The codec ``path`` is read with."""


# -- encodings -------------------------------------------------------------------------
def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` (with a byte-order mark), ``utf-8``, or else ``gb18030``.

    A file is UTF-8 if all of it decodes strictly as UTF-8; otherwise it is taken
    to be GB18030, which covers GBK and GB2312, what Excel on Chinese Windows saves
    "CSV" as. GB18030 decodes nearly any bytes, so it can only be the fallback.
    The check decodes in chunks, so a large file is not held in memory twice.
    """
    decoder = codecs.getincrementaldecoder(UTF8)("strict")
    with path.open("rb") as handle:
        first = handle.read(_CHUNK)
        encoding = UTF8_BOM if first.startswith(_BOM) else UTF8
        chunk = first
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = handle.read(_CHUNK)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return GB18030
    return encoding


def _choose_encoding(path: Path, encoding: str | None) -> tuple[str, str]:
    """(the encoding to report, the codec to open the file with)."""
    if encoding is None:
        detected = detect_encoding(path)
        return detected, UTF8_BOM if detected == UTF8 else detected
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise RecordError("unknown text encoding", found=encoding, expected="utf-8 or gb18030") from None
    # A forced UTF-8 still tolerates the byte-order mark Excel writes.
    return encoding, UTF8_BOM if name == UTF8 else encoding


def _decode_error(file: str, line: int, encoding: str, error: UnicodeDecodeError) -> RecordError:
    return RecordError(
        f"cannot decode the file as {encoding}: {error.reason}",
        where=Position(file, line),
        expected="UTF-8 or GB18030 text (or name the encoding)",
    )


# -- headers ---------------------------------------------------------------------------
def _header(names: Sequence[Any], file: str, line: int, sheet: str | None = None) -> tuple[str, ...]:
    """The column names of a header row, trimmed; empty trailing names are dropped.

    An empty name between named columns, or the same name twice, makes every row of
    the file ambiguous: that is an error of the file, not of a row.
    """
    columns = [("" if name is None else str(name)).strip().lstrip("\ufeff").strip() for name in names]
    while columns and not columns[-1]:
        columns.pop()
    seen: dict[str, int] = {}
    for number, name in enumerate(columns, 1):
        if not name:
            raise RecordError("a column of the header has no name", where=Position(file, line, number, sheet))
        if name in seen:
            raise RecordError(
                f"column {name!r} appears twice in the header (columns {seen[name]} and {number})",
                where=Position(file, line, number, sheet),
            )
        seen[name] = number
    return tuple(columns)


def _too_long(columns: tuple[str, ...], values: Sequence[Any]) -> tuple[tuple[str, ...], Sequence[Any], Any]:
    """Columns, values and problem for a row with more values than the header has columns.

    Empty trailing values (a trailing comma) are harmless and trimmed; any other
    extra value cannot be placed in a column, so the row is rejected.
    """
    width = len(columns)
    extra = values[width:]
    if not any(value is not None and str(value).strip() for value in extra):
        return columns, values[:width], None
    named = columns + tuple(f"(field {number})" for number in range(width + 1, len(values) + 1))
    reason = (
        f"the row has {len(extra)} more field{'s' if len(extra) > 1 else ''} than the header "
        f"({len(values)} fields, the header has {width} columns)"
    )
    return named, values, (None, width + 1, reason)


# -- CSV ---------------------------------------------------------------------------------
def csv_source(kind: str, path: Path, encoding: str | None) -> Source:
    """The rows of a CSV file with a header row (encoding detected unless given)."""
    reported, codec = _choose_encoding(path, encoding)
    return Source(kind, str(path), _csv_rows(path, str(path), codec, reported), encoding=reported, path=path,
                  codec=codec)


def _csv_rows(path: Path, file: str, codec: str, reported: str) -> Iterator[RawRow]:
    """The rows of a CSV file, each with the line it starts on.

    A value may be as long as the file: the csv module's own limit (131,072
    characters; it is process-wide) is lifted while the file is read. A record the
    csv module cannot read after the header is rejected on its own, and reading
    goes on with the next line.
    """
    limit = csv.field_size_limit()
    csv.field_size_limit(_FIELD_SIZE)
    try:
        yield from _csv_records(path, file, codec, reported)
    finally:
        csv.field_size_limit(limit)


_FIELD_SIZE = 2**31 - 1  # the largest the csv module takes everywhere (a C long)


def _csv_records(path: Path, file: str, codec: str, reported: str) -> Iterator[RawRow]:
    with path.open(encoding=codec, newline="") as handle:
        reader = csv.reader(handle)
        line = 0
        try:
            columns: tuple[str, ...] = ()
            for fields in reader:  # the header is the first line that is not blank
                if any(fields):
                    columns = _header(fields, file, line + 1)
                    break
                line = reader.line_num
            if not columns:
                return
        except csv.Error as error:
            raise RecordError(f"not valid CSV: {error}", where=Position(file, reader.line_num)) from None
        except UnicodeDecodeError as error:
            raise _decode_error(file, reader.line_num + 1, reported, error) from None
        width = len(columns)
        previous = reader.line_num
        while True:
            try:
                for fields in reader:
                    line = previous + 1  # a quoted value may span lines: the record starts here
                    previous = reader.line_num
                    if not any(fields):
                        continue
                    if len(fields) > width:
                        named, values, problem = _too_long(columns, fields)
                        yield line, named, values, problem
                    else:
                        yield line, columns, fields, None
                return
            except UnicodeDecodeError as error:
                raise _decode_error(file, reader.line_num + 1, reported, error) from None
            except csv.Error as error:  # this record only: the reader goes on at the next line
                line, previous = previous + 1, reader.line_num
                yield line, (RAW_TEXT,), ("",), (None, None, f"not valid CSV: {error}")


# -- JSON Lines -------------------------------------------------------------------------
def jsonl_source(kind: str, path: Path, encoding: str | None) -> Source:
    """The rows of a JSON Lines file: one JSON object per line."""
    reported, codec = _choose_encoding(path, encoding)
    return Source(kind, str(path), _jsonl_rows(path, str(path), codec, reported), encoding=reported, numbered=False)


def _jsonl_rows(path: Path, file: str, codec: str, reported: str) -> Iterator[RawRow]:
    loads = json.loads
    line = 0
    with path.open(encoding=codec, newline=None) as handle:
        try:
            for line, text in enumerate(handle, 1):
                stripped = text.strip()
                if not stripped:
                    continue
                try:
                    record = loads(stripped)
                except json.JSONDecodeError as error:
                    column = error.colno + len(text) - len(text.lstrip())
                    yield line, (RAW_TEXT,), (text.rstrip("\r\n"),), (
                        None, None, f"not valid JSON: {error.msg} (column {column})")
                    continue
                except (ValueError, RecursionError) as error:  # a number of more than 4,300 digits; too deep
                    yield line, (RAW_TEXT,), (text.rstrip("\r\n"),), (
                        None, None, f"cannot be read as JSON: {json_limit(error)}")
                    continue
                if not isinstance(record, dict):
                    yield line, (RAW_TEXT,), (text.rstrip("\r\n"),), (
                        None, None, f"not a JSON object but {_json_kind(record)}")
                    continue
                if _SURROGATE_ESCAPE.search(stripped):  # only then can a value hold a lone surrogate
                    found = lone_surrogate(record)
                    if found:  # the record is kept as written (escaped), which any file can hold
                        yield line, (RAW_TEXT,), (text.rstrip("\r\n"),), (found[0], None, surrogate_reason(found))
                        continue
                yield line, tuple(record), list(record.values()), None
        except UnicodeDecodeError as error:
            raise _decode_error(file, line + 1, reported, error) from None


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


# -- XLSX -------------------------------------------------------------------------------
def sheet_source(kind: str, path: Path, sheet: Any, sheet_name: str) -> Source:
    """The rows of one worksheet of a workbook opened with openpyxl (read-only, values only)."""
    return Source(kind, str(path), _sheet_rows(str(path), sheet, sheet_name), sheet=sheet_name, numbered=True)


def _sheet_rows(file: str, sheet: Any, sheet_name: str) -> Iterator[RawRow]:
    columns: tuple[str, ...] | None = None
    number = (sheet.min_row or 1) - 1
    for cells in sheet.iter_rows():
        number = next((cell.row for cell in cells if getattr(cell, "row", None)), number + 1)
        values = [_cell_value(cell) for cell in cells]
        while values and (values[-1] is None or values[-1] == ""):
            values.pop()
        if not any(value is not None and value != "" for value in values):
            continue
        if columns is None:
            columns = _header(values, file, number, sheet_name)
            continue
        if len(values) > len(columns):
            named, kept, problem = _too_long(columns, values)
            yield number, named, kept, problem
        else:
            yield number, columns, values, None


_FORMAT_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


@lru_cache(maxsize=256)
def _is_date_format(number_format: str) -> bool:
    """Whether a cell format shows a date without a time of day (``yyyy-mm-dd``, ``yyyy"年"m"月"d"日"``)."""
    shown = _FORMAT_LITERALS.sub("", number_format).lower()
    return "h" not in shown and "s" not in shown


def _cell_value(cell: Any) -> Any:
    """A cell's value; a date shown without a time is a date (a whole day), not midnight."""
    value = cell.value
    if isinstance(value, datetime) and not (value.hour or value.minute or value.second or value.microsecond):
        if _is_date_format(getattr(cell, "number_format", None) or "General"):
            return value.date()
    return value
