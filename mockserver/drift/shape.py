"""The shape of a body, and how two shapes differ.

A body (JSON, XML, a form, text or binary) is flattened to ``{path: Leaf}``: every key present, its
kind (object, array, string, integer, decimal, boolean, null) and, for strings, its *format* — a date
layout, a UUID, hex, digits, a decimal, an E.164 number, a URL, or the casing of a word. Values that
naturally differ between two runs (ids, times, prices) are compared by that format, never by value;
XML namespaces are compared by value. Array elements are merged under ``path[]``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from mockserver.core.values import frozen
from mockserver.drift.redact import PLACEHOLDER

_DATETIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})(?P<sep>[T ])(?P<hm>\d{2}:\d{2})(?P<s>:\d{2})?(?P<frac>\.\d+)?"
    r"(?P<zone>Z|[+-]\d{2}:?\d{2})?"
)
_RFC1123 = re.compile(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} (GMT|[+-]\d{4})")
_UUID = re.compile(
    r"([A-Za-z]*)([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
)
_HEX = re.compile(r"[0-9a-fA-F]{16,}")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[_ -][A-Za-z0-9]+)*")


@frozen
class Leaf:
    kind: str  # object | array | string | integer | decimal | boolean | null | namespace | text | binary
    format: str = ""  # for strings: see string_format(); for namespaces: the URI
    empty_array: bool = False


def string_format(value: str) -> str:
    """A format class that two values of the same field share across runs."""
    if value == "":
        return "empty"
    if value == PLACEHOLDER:
        return "redacted"  # a secret the recorder replaced: any format on the mock's side is fine
    m = _DATETIME.fullmatch(value)
    if m:
        parts = ["datetime", "T" if m["sep"] == "T" else "space"]
        parts.append("seconds" if m["s"] else "minutes")
        if m["frac"]:
            parts.append(f"fraction{len(m['frac']) - 1}")
        zone = m["zone"]
        parts.append("Z" if zone == "Z" else ("offset" if zone else "no zone"))
        return " ".join(parts)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return "date"
    if _RFC1123.fullmatch(value):
        return "rfc1123 date"
    m = _UUID.fullmatch(value)
    if m:
        case = "upper" if m[2] != m[2].lower() else "lower"
        return f"uuid {case}" + (f" prefix {m[1]}" if m[1] else "")
    if re.fullmatch(r"\+\d{6,15}", value):
        return "e164"
    if re.fullmatch(r"-?\d+", value):
        return "digits"
    if re.fullmatch(r"-?\d+\.\d+", value):
        return "decimal"
    if _HEX.fullmatch(value):
        return "hex " + ("upper" if value != value.lower() else "lower")
    if re.match(r"https?://", value):
        return "url"
    if len(value) <= 40 and _WORD.fullmatch(value) and " " not in value:
        casing = _casing(value)
        return "text" if casing == "kebab-case" and value != value.lower() else "word " + casing
    return "text"


def _casing(word: str) -> str:
    if "_" in word:
        return "snake_case" if word == word.lower() else "SNAKE_CASE"
    if "-" in word:
        return "kebab-case"
    if word.isupper():
        return "UPPER"
    if word.islower():
        return "lower"
    if word[0].isupper() and word[1:].islower():
        return "Capitalized"
    return "CamelCase" if word[0].isupper() else "camelCase"


def is_id_like(value: str) -> bool:
    """Whether a string is an identifier a replay must map (not a word, a time or an amount)."""
    fmt = string_format(value)
    if fmt.startswith(("uuid", "hex")):
        return True
    if fmt == "digits":
        return len(value.lstrip("-")) >= 4
    return (
        bool(re.fullmatch(r"[A-Za-z0-9_-]{6,}", value))
        and any(c.isdigit() for c in value)
        and not (fmt.startswith("datetime"))
    )


# -- parsing -------------------------------------------------------------------------------------
def parse_body(body: bytes, content_type: str) -> Any:
    """JSON → its value; XML → nested dicts (``@attr``, ``@xmlns``, ``#text``); a form → a dict;
    text → ``Text``; binary → ``Binary``."""
    kind = content_type.split(";")[0].strip().lower()
    if not body:
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Binary(len(body))
    stripped = text.lstrip()
    if "json" in kind or (not kind and stripped[:1] in "{["):
        try:
            return json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            return Text(text)
    if "xml" in kind or stripped.startswith("<?xml") or (kind in ("", "text/plain") and stripped[:1] == "<"):
        try:
            return xml_tree(SafeET.fromstring(body))
        except (SafeET.ParseError, DefusedXmlException):
            return Text(text)
    if kind == "application/x-www-form-urlencoded":
        return dict(parse_qsl(text, keep_blank_values=True))
    if kind.startswith(("audio/", "image/", "application/octet-stream")):
        return Binary(len(body))
    return Text(text)


@frozen
class Text:
    value: str


@frozen
class Binary:
    size: int


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def xml_tree(element: Element, parent_ns: str = "") -> dict[str, Any]:
    ns, local = _local(element.tag)
    node: dict[str, Any] = {}
    if ns != parent_ns:  # where the namespace changes (the envelope, the method's element)
        node["@xmlns"] = Namespace(ns)
    for name, value in element.attrib.items():
        node["@" + _local(name)[1]] = value
    children: dict[str, list[Any]] = {}
    for child in element:
        child_tree = xml_tree(child, ns)
        (name,) = child_tree
        children.setdefault(name, []).append(child_tree[name])
    for name, values in children.items():
        node[name] = values[0] if len(values) == 1 else values
    text = (element.text or "").strip()
    if text or not children:
        if node:
            node["#text"] = text
        else:
            return {local: text}
    return {local: node}


@frozen
class Namespace:
    uri: str


# -- flattening ----------------------------------------------------------------------------------
def flatten(value: Any, path: str = "$") -> Iterator[tuple[str, Leaf]]:
    if isinstance(value, dict):
        yield path, Leaf("object")
        for key, item in value.items():
            yield from flatten(item, f"{path}.{key}")
    elif isinstance(value, list):
        yield path, Leaf("array", empty_array=not value)
        for item in value:
            yield from flatten(item, f"{path}[]")
    else:
        yield path, leaf(value)


def leaf(value: Any) -> Leaf:
    if value is None:
        return Leaf("null")
    if isinstance(value, bool):
        return Leaf("boolean")
    if isinstance(value, int):
        return Leaf("integer")
    if isinstance(value, float):
        return Leaf("decimal")
    if isinstance(value, Namespace):
        return Leaf("namespace", value.uri)
    if isinstance(value, Text):
        return Leaf("text")
    if isinstance(value, Binary):
        return Leaf("binary")
    return Leaf("string", string_format(str(value)))


def shape(value: Any) -> dict[str, set[Leaf]]:
    """Every path with the set of leaves seen there (array elements can vary)."""
    out: dict[str, set[Leaf]] = {}
    for path, item in flatten(value):
        out.setdefault(path, set()).add(item)
    return out


# -- comparing -----------------------------------------------------------------------------------
@frozen
class Difference:
    what: str  # status | content-type | missing | extra | type | nullability | list-vs-object | format | ...
    path: str
    recorded: str
    mock: str

    def line(self) -> str:
        return f"{self.what:<15} {self.path:<40} recorded: {self.recorded:<28} mock: {self.mock}"


def _describe(leaves: set[Leaf]) -> str:
    return " | ".join(sorted(f"{x.kind} ({x.format})" if x.format else x.kind for x in leaves))


def _empty_arrays(shape_: dict[str, set[Leaf]]) -> set[str]:
    return {p for p, leaves in shape_.items() if leaves and all(x.empty_array for x in leaves)}


def compare_shapes(recorded: Any, mock: Any) -> list[Difference]:
    theirs, ours = shape(recorded), shape(mock)
    skip = _empty_arrays(theirs) | _empty_arrays(ours)

    replaced: set[str] = set()  # a path whose kind differs: what lies under it is not compared

    def under_skipped(path: str) -> bool:
        return any(path.startswith(p + "[]") for p in skip) or any(_inside(path, p) for p in replaced)

    diffs: list[Difference] = []
    for path in sorted(set(theirs) | set(ours)):
        if under_skipped(path):
            continue
        a, b = theirs.get(path), ours.get(path)
        if a is None:
            diffs.append(Difference("extra", path, "(absent)", _describe(b or set())))
        elif b is None:
            diffs.append(Difference("missing", path, _describe(a), "(absent)"))
        else:
            diff = _compare_leaves(path, a, b)
            if diff is not None:
                diffs.append(diff)
                if diff.what in ("type", "list-vs-object"):
                    replaced.add(path)
    return _collapse(diffs)


def _compare_leaves(path: str, a: set[Leaf], b: set[Leaf]) -> Difference | None:
    kinds_a = {x.kind for x in a} - {"null"}
    kinds_b = {x.kind for x in b} - {"null"}
    nulls_a, nulls_b = any(x.kind == "null" for x in a), any(x.kind == "null" for x in b)
    if kinds_a and kinds_b and kinds_a != kinds_b:
        if {"array", "object"} & kinds_a and {"array", "object"} & kinds_b:
            return Difference("list-vs-object", path, _describe(a), _describe(b))
        return Difference("type", path, _describe(a), _describe(b))
    if nulls_a != nulls_b and (not kinds_a or not kinds_b):
        return Difference("nullability", path, _describe(a), _describe(b))
    formats_a = {x.format for x in a if x.kind in ("string", "namespace")}
    formats_b = {x.format for x in b if x.kind in ("string", "namespace")}
    if formats_a and formats_b and not formats_a & formats_b and not _compatible(formats_a, formats_b):
        what = "namespace" if "namespace" in kinds_a else "format"
        return Difference(what, path, _describe(a), _describe(b))
    return None


def _compatible(a: set[str], b: set[str]) -> bool:
    """Formats one field legitimately takes in turn: a secret the recorder replaced, an empty value
    (not set yet), free text that happens to be one word. Words' casings are compared exactly."""
    if "redacted" in a | b or "empty" in a | b:
        return True

    def free(formats: set[str]) -> bool:
        return all(f == "text" or f.startswith("word") for f in formats)

    return ("text" in a and free(b)) or ("text" in b and free(a))


def _collapse(diffs: list[Difference]) -> list[Difference]:
    """A missing or extra object is one difference, not one per field inside it."""
    out: list[Difference] = []
    for diff in diffs:
        parent = next(
            (
                d
                for d in out
                if d.what == diff.what and diff.what in ("missing", "extra") and _inside(diff.path, d.path)
            ),
            None,
        )
        if parent is None:
            out.append(diff)
    return out


def _inside(path: str, parent: str) -> bool:
    return path.startswith(parent + ".") or path.startswith(parent + "[]")


def media_type(content_type: str) -> str:
    """``text/xml; charset=utf-8`` → ``text/xml; charset=utf-8`` normalised (case, spaces)."""
    parts = [p.strip().lower().replace('"', "") for p in content_type.split(";") if p.strip()]
    return "; ".join(parts)


def id_pairs(recorded: Any, mock: Any) -> Iterator[tuple[str, str]]:
    """Walk both answers side by side and yield (recorded id, mock id) for id-like strings that
    stand at the same place."""
    if isinstance(recorded, dict) and isinstance(mock, dict):
        for key in recorded.keys() & mock.keys():
            yield from id_pairs(recorded[key], mock[key])
    elif isinstance(recorded, list) and isinstance(mock, list):
        for a, b in zip(recorded, mock, strict=False):
            yield from id_pairs(a, b)
    elif isinstance(recorded, str | int) and isinstance(mock, str | int) and not isinstance(recorded, bool):
        a, b = str(recorded), str(mock)
        if a != b and is_id_like(a) and is_id_like(b):
            yield a, b
        elif a != b and "/" in a and "/" in b:  # URIs that end in an id: .../calls/cal123
            tail_a, tail_b = a.rstrip("/").rsplit("/", 1)[-1], b.rstrip("/").rsplit("/", 1)[-1]
            if tail_a != tail_b and is_id_like(tail_a) and is_id_like(tail_b):
                yield tail_a, tail_b
