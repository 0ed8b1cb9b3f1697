"""``json_object`` reads an events file's attributes with orjson, and must read exactly what json reads.

``json.loads`` is the definition (the row path's reasons quote it): for any
stripped text, ``json_object`` gives the object json gives, value for value
and type for type (1 is not 1.0 nor True; -0.0 is not 0.0; keys in order), or
None where json fails or gives anything but an object. The texts drawn are
near the places where the two libraries part: integers beyond 64 bits, floats
beyond the double range, NaN and Infinity, lone surrogates, nesting, odd
whitespace, and JSON broken by a character.
"""

from __future__ import annotations

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.records.readers import json_object


def _reference(text: str) -> dict | None:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError, as is the integer digits limit
        return None
    return value if isinstance(value, dict) else None


def _same(a: object, b: object) -> bool:
    """Equal, and of the same types throughout (a float by its repr: -0.0, nan)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[key], b[key]) for key in a)  # type: ignore[index]
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))  # type: ignore[arg-type]
    if isinstance(a, float):
        return repr(a) == repr(b)
    return a == b


def _agrees(text: str) -> None:
    text = text.strip()
    if not text:
        return
    expected, found = _reference(text), json_object(text)
    assert (found is None) == (expected is None), (text, found, expected)
    if expected is not None:
        assert _same(found, expected), (text, found, expected)


_characters = st.characters(codec=None)  # surrogates included
_scalars = (st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.integers()
            | st.floats(allow_nan=True, allow_infinity=True) | st.text(_characters, max_size=8))
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.text(_characters, max_size=4), inner, max_size=3), max_leaves=8)
_objects = st.dictionaries(st.text(_characters, max_size=6), _values, max_size=5)
_number = st.from_regex(r"\A-?(0|[1-9][0-9]{0,30}|0[0-9]{1,3})(\.[0-9]{0,20})?([eE][+-]?[0-9]{1,4})?\Z")
_noise = st.sampled_from(list('{}[]":,\\ \t\n\r\x0b\x0c\x00\x85\xa0\u3000\u2028-+.eE0123456789') + [
    "true", "false", "null", "NaN", "Infinity", "-Infinity", "\\u", "\\ud800", "\\udc00", "\\ud83d\\ude00",
    "\\x41", "\\/", "'", "\ufeff", "\ud800"])


@settings(max_examples=600, deadline=None)
@given(_objects, st.booleans())
def test_objects_json_writes_read_as_json_reads_them(value, ascii_only):
    _agrees(json.dumps(value, ensure_ascii=ascii_only))


@settings(max_examples=600, deadline=None)
@given(_objects, st.booleans(), st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 2), _noise),
                                          min_size=1, max_size=3))
def test_json_broken_by_a_character_reads_as_json_reads_it(value, ascii_only, edits):
    text = json.dumps(value, ensure_ascii=ascii_only)
    for where, how, piece in edits:
        where %= len(text) + 1
        if how == 0:
            text = text[:where] + piece + text[where:]
        elif how == 1:
            text = text[:where] + text[where + 1:]
        else:
            text = text[:where] + piece + text[where + 1:]
    _agrees(text)


@settings(max_examples=400, deadline=None)
@given(_number, _number)
def test_numbers_read_as_json_reads_them(first, second):
    _agrees('{"n": ' + first + ', "m": [' + second + "]}")
    _agrees('{"n": ' + first + "}")


def test_where_orjson_and_json_part_json_is_followed():
    big = json_object('{"n": 18446744073709551616, "m": -9223372036854775809}')  # orjson: floats
    assert big == {"n": 18446744073709551616, "m": -9223372036854775809}
    assert [type(value) for value in big.values()] == [int, int]
    assert math.isinf(json_object('{"x": 1e400}')["x"])  # orjson refuses it
    assert math.isnan(json_object('{"x": NaN}')["x"])
    assert json_object('{"x": -Infinity}') == {"x": -math.inf}
    assert json_object('{"x": "a\\ud800"}') == {"x": "a\ud800"}  # a lone surrogate: rejected later, as before
    assert json_object('{"n": ' + "1" * 5000 + "}") is None  # beyond Python's digits limit
    deep = '{"a": ' + "[" * 5000 + "]" * 5000 + "}"
    assert json_object(deep) is None  # nested beyond Python's recursion limit


def test_what_is_no_object_gives_none():
    for text in ("[1]", '"x"', "1", "null", "true", '{"a": 1} x', '{"a": 1}{', "{'a': 1}", '{"a": 1,}', "{a: 1}"):
        assert json_object(text) is None, text
    assert json_object('{"a": 1, "a": "2", "b": true}') == {"a": "2", "b": True}  # the last of a repeated key
