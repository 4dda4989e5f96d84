"""A failing test's timeline, as the pytest plugin puts it in the report and in the report folder."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


def timeline_line(entry: Mapping[str, Any]) -> str:
    at = str(entry.get("at", ""))[11:23] or "?"
    kind = str(entry.get("kind", ""))
    call = entry.get("provider_call_id") or entry.get("call_id") or ""
    match kind:
        case "request":
            what = (
                f"{entry.get('provider')} {entry.get('method')} {entry.get('path')} → {entry.get('status')}"
            )
        case "transition":
            what = f"{call} {entry.get('state')}" + (f" ({entry['cause']})" if entry.get("cause") else "")
        case "digits":
            what = f"{call} pressed {entry.get('digits')}"
        case "recording":
            what = f"{call} recording ready ({entry.get('seconds')} s)"
        case "callback":
            outcome = entry.get("status") if entry.get("status") is not None else entry.get("error")
            what = (
                f"{entry.get('method')} {entry.get('url')} attempt {entry.get('attempt')} → {outcome}"
                f"  [{entry.get('kind_of_request')}, {call}]"
            )
        case _:
            what = f"{call} {entry.get('detail', '')}".strip()
    return f"{at}  {kind:<10} {what}"


def timeline_text(entries: Sequence[Mapping[str, Any]], limit: int) -> str:
    if not entries:
        return "(nothing happened on the mock during this test)"
    shown = entries[-limit:]
    head = [f"… {len(entries) - limit} earlier entries left out"] if len(entries) > limit else []
    return "\n".join([*head, *(timeline_line(e) for e in shown)])


def write_jsonl(folder: Path, nodeid: str, entries: Sequence[Mapping[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_") + ".jsonl")
    path.write_text("".join(json.dumps(e, separators=(",", ":")) + "\n" for e in entries), encoding="utf-8")
    return path
