"""Media.Recording: what a Real-Time ``record`` (type ``RECORDING``) or ``start_call_recording`` …
``stop_call_recording`` (type ``CALL``) captures (seed "Media Recording").

A recording is ``RECORDING`` while it runs, ``PROCESSING`` once it stops (the command's end, the stop
command, or the call's end) and ``READY`` :data:`PROCESSING_SECONDS` later on the mock's clock. Its
creation is pushed as ``media.recording.new``, each later status as ``media.recording.status_update``
(mock's choice of moments). The mock keeps no audio: the URLs are placeholders it does not serve.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from mockserver.providers.callr.models import CallInfo, Recording
from mockserver.providers.callr.render import datetime_text

if TYPE_CHECKING:
    from mockserver.providers.callr.provider import Callr

PROCESSING_SECONDS = 2.0
MP3_BYTES_PER_SECOND = 16_000  # 128 kbit/s: ``file_size_total`` of a READY recording
URL_BASE = "https://media.callr.com/recording/"


def recording_json(rec: Recording) -> dict[str, Any]:
    ready = rec.status == "READY"
    url = URL_BASE + rec.hash if ready else ""
    return {
        "app_hash": rec.app_hash,
        "app_name": rec.app_name,
        "callid": rec.callid,
        "cli_name": "",
        "cli_number": rec.cli_number,
        "date": datetime_text(rec.started),
        "date_read": datetime_text(None),
        "did_hash": rec.did_hash,
        "did_intl_number": rec.did_intl_number,
        "did_local_number": rec.did_local_number,
        "duration": rec.duration,
        "file_size_total": rec.duration * MP3_BYTES_PER_SECOND if ready else 0,
        "hash": rec.hash,
        "options": {},
        "read": False,
        "status": rec.status,
        "type": rec.type,
        "url": url,
        "url_exts": ["mp3"] if ready else [],
        "url_mp3": url + ".mp3" if ready else "",
    }


class Recorder:
    def __init__(self, api: Callr) -> None:
        self.api = api

    def start(self, info: CallInfo, kind: str, file: str = "") -> Recording:
        did = info.did
        rec = Recording(
            hash=self.api.new_hash(),
            login=info.login,
            type=kind,
            call_id=info.call_id,
            callid=info.callid,
            app_hash=info.app.hash if info.app else "",
            app_name=info.app.name if info.app else "",
            cli_number=info.cli,
            did_hash=did.hash if did else "",
            did_intl_number=did.intl_number if did else "",
            did_local_number=did.local_number if did else "",
            started=self.api.ctx.now(),
            file=file,
        )
        self.api.state.media_recordings[rec.hash] = rec
        self.api.webhooks.emit(rec.login, "media.recording.new", recording_json(rec), rec.call_id)
        return rec

    def running(self, call_id: str, kind: str) -> Recording | None:
        return next(
            (
                r
                for r in self.api.state.media_recordings.values()
                if r.call_id == call_id and r.type == kind and r.status == "RECORDING"
            ),
            None,
        )

    def stop(self, rec: Recording) -> None:
        if rec.status != "RECORDING":
            return
        now = self.api.ctx.now()
        rec.status, rec.duration = "PROCESSING", int((now - rec.started).total_seconds())
        rec.ready_at = now + timedelta(seconds=PROCESSING_SECONDS)
        self.api.webhooks.emit(rec.login, "media.recording.status_update", recording_json(rec), rec.call_id)
        self.arm(rec)

    def stop_call(self, call_id: str) -> None:
        """The call ended: what still records stops."""
        for rec in list(self.api.state.media_recordings.values()):
            if rec.call_id == call_id:
                self.stop(rec)

    def arm(self, rec: Recording) -> None:
        """PROCESSING becomes READY at ``ready_at`` (also re-armed when a snapshot is restored)."""
        if rec.status != "PROCESSING" or rec.ready_at is None:
            return
        state, api = self.api.state, self.api

        async def ready() -> None:
            if state.media_recordings.get(rec.hash) is rec and rec.status == "PROCESSING":
                rec.status = "READY"
                api.webhooks.emit(rec.login, "media.recording.status_update", recording_json(rec))

        self.api.ctx.backend.timer_at(rec.ready_at, ready, key=f"callr:recording:{rec.hash}")
