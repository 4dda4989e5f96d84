"""What a running app keeps, counted: the elements of every container reachable from an object.

A retention test places calls, lets them finish and be evicted, and checks that what the app keeps does
not grow with the number of calls placed. Bounded containers (a ``deque`` with a ``maxlen``, such as the
journal's and the timeline's) are skipped: they stop growing at their bound by construction.
"""

from __future__ import annotations

import types
from collections import deque
from typing import Any

#: Types that hold no per-call records (or are shared, fixed-size machinery).
_LEAVES = (str, bytes, int, float, bool, type(None), complex, range, types.ModuleType, type)
_SKIP = (types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.CodeType, types.FrameType)


def footprint(root: object, skip: tuple[type, ...] = ()) -> dict[str, int]:
    """Element counts of the containers reachable from ``root``, by the attribute path that reached
    each first (``provider.calls``, ``provider.ctx.backend._presses``, ...)."""
    seen: set[int] = set()
    counts: dict[str, int] = {}
    stack: list[tuple[str, Any]] = [("", root)]
    while stack:
        path, obj = stack.pop()
        if isinstance(obj, (_LEAVES, _SKIP, skip)) or id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, deque) and obj.maxlen is not None:
            continue
        if isinstance(obj, dict):
            counts[path] = counts.get(path, 0) + len(obj)
            for key, value in obj.items():
                stack.append((f"{path}[]", key))
                stack.append((f"{path}[]", value))
        elif isinstance(obj, (list, tuple, set, frozenset, deque)):
            counts[path] = counts.get(path, 0) + len(obj)
            stack.extend((f"{path}[]", item) for item in obj)
        else:
            fields = getattr(obj, "__dict__", None)
            if isinstance(fields, dict):
                stack.extend((f"{path}.{name}", value) for name, value in fields.items())
            for cls in type(obj).__mro__:
                for name in getattr(cls, "__slots__", ()):
                    if hasattr(obj, name):
                        stack.append((f"{path}.{name}", getattr(obj, name)))
    return counts


def grown(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    """The paths whose count went up, with (before, after); the lists under them summed by path."""
    return {
        path: (before.get(path, 0), count) for path, count in after.items() if count > before.get(path, 0)
    }
