"""The media library: ``media/library.*`` and ``media/tts.set_content`` (callr.md §4.8, seed
"Media.Library"). Content set through the API is ``PROCESSING`` and becomes ``READY``
:data:`PROCESSING_SECONDS` later on the mock's clock, pushed as ``media.library.status_update``.
The mock keeps no audio: ``url`` is a placeholder that is not served (mock's choice)."""

from __future__ import annotations

import base64
import binascii
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from mockserver.providers.callr import params
from mockserver.providers.callr.errors import invalid, invalid_params, not_found
from mockserver.providers.callr.models import Media
from mockserver.providers.callr.params import Arg, Kind
from mockserver.providers.callr.rpc import Invocation, Method, method

if TYPE_CHECKING:
    from mockserver.providers.callr.provider import Callr

PROCESSING_SECONDS = 2.0
WORDS_PER_SECOND = 2.5  # how long a TTS text lasts
WAV_BYTES_PER_SECOND = 96_000  # 16-bit 48 kHz mono, the recommended format
MAX_NAME = 128
#: Media.Library categories (sdk-dotnet Enums/MediaLibraryCategories.cs).
MEDIA_CATEGORIES = ("FAILURE", "WELCOME", "RINGTONE", "VOICEMAIL", "MISC", "IVR", "WHISPER")


def media_json(media: Media) -> dict[str, Any]:
    return {
        "category": media.category,
        "content": media.content,
        "duration": media.duration,
        "hash": media.hash,
        "id": media.id,
        "is_editable": True,
        "language": [],
        "name": media.name,
        "status": media.status,
        "tags": media.tags,
        "url": f"https://media.callr.com/library/{media.hash}.mp3" if media.status == "READY" else "",
        "voice": media.voice,
    }


def arm(api: Callr, media: Media) -> None:
    """Make PROCESSING media READY at ``ready_at`` (also re-armed when a snapshot is restored)."""
    if media.status != "PROCESSING" or media.ready_at is None:
        return
    state, media_id, login = api.state, media.id, media.login

    async def ready() -> None:
        current = state.media.get(media_id)
        if current is media and current.status == "PROCESSING":
            current.status = "READY"
            api.webhooks.emit(login, "media.library.status_update", media_json(current))

    api.ctx.backend.timer_at(media.ready_at, ready, key=f"callr:media:{media_id}")


def methods(api: Callr) -> list[Method]:
    state = api.state

    def own(inv: Invocation, media_id: int) -> Media:
        media = state.media.get(media_id)
        if media is None or media.login != inv.caller.account.login:
            raise not_found("media_id", media_id)
        return media

    def given(value: Any, name: str, kind: str = "string") -> Any:
        """A param production checks after ``media_id`` (sdk-dotnet MediaServiceTest): null is
        ``INVALID_PARAM_FORMAT [name]``."""
        if value is None:
            raise invalid_params(f"{name} must be {kind}", name)
        return value

    def name_of(value: str | None) -> str:
        value = given(value, "name")
        if not value.strip() or len(value) > MAX_NAME:
            raise invalid("name", f"name must be 1 to {MAX_NAME} characters")
        return value

    def process(media: Media, duration: int) -> None:
        media.status, media.duration = "PROCESSING", duration
        media.ready_at = api.ctx.now() + timedelta(seconds=PROCESSING_SECONDS)
        arm(api, media)

    @method("media/library.create", Arg("name", Kind.STRING))
    def create(inv: Invocation, args: list[Any]) -> int:
        media = Media(
            state.media_ids.take(), api.new_hash(), inv.caller.account.login, name_of(args[0]), api.ctx.now()
        )
        state.media[media.id] = media
        return media.id

    @method("media/library.get", Arg("media_id", Kind.INT))
    def get(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        return media_json(own(inv, args[0]))

    @method("media/library.get_list", Arg("categories", Kind.ARRAY, nullable=True, optional=True))
    def get_list(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        """``categories`` must name known categories (sdk-dotnet ``MediaLibraryCategories``); the mock's
        media have none, so the filter is not applied (mock's choice)."""
        if args[0] is not None and not all(c in MEDIA_CATEGORIES for c in args[0]):
            raise invalid_params(f"categories must be among {', '.join(MEDIA_CATEGORIES)}", "categories")
        login = inv.caller.account.login
        return {str(m.id): media_json(m) for m in state.media.values() if m.login == login}

    @method("media/library.delete", Arg("media_id", Kind.INT))
    def delete(inv: Invocation, args: list[Any]) -> bool:
        del state.media[own(inv, args[0]).id]
        return True

    @method("media/library.set_name", Arg("media_id", Kind.INT), Arg("name", Kind.STRING, nullable=True))
    def set_name(inv: Invocation, args: list[Any]) -> bool:
        media = own(inv, args[0])  # media_id first, then the name
        media.name = name_of(args[1])
        return True

    @method("media/library.set_tags", Arg("media_id", Kind.INT), Arg("tags", Kind.OBJECT, nullable=True))
    def set_tags(inv: Invocation, args: list[Any]) -> bool:
        media = own(inv, args[0])
        tags: dict[str, list[str]] = {}
        for key, values in given(args[1], "tags", "object").items():
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise invalid(f"tags.{key}", f"tags.{key} must be an array of strings")
            tags[key] = list(values)
        media.tags = tags
        return True

    @method(
        "media/library.set_content",
        Arg("media_id", Kind.INT),
        Arg("text", Kind.STRING, nullable=True),
        Arg("base64_audio_data", Kind.STRING, nullable=True),
    )
    def set_content(inv: Invocation, args: list[Any]) -> bool:
        media = own(inv, args[0])
        given(args[1], "text")
        try:
            audio = base64.b64decode(given(args[2], "base64_audio_data"), validate=True)
        except (binascii.Error, ValueError):
            raise invalid("base64_audio_data", "base64_audio_data is not base64") from None
        if not audio:
            raise invalid("base64_audio_data", "base64_audio_data is empty")
        media.content, media.voice = args[1], ""
        process(media, max(1, len(audio) // WAV_BYTES_PER_SECOND))
        return True

    @method(
        "media/library.set_content_from_recording",
        Arg("media_id", Kind.INT),
        Arg("recording", Kind.STRING, nullable=True),
    )
    def set_content_from_recording(inv: Invocation, args: list[Any]) -> bool:
        """``recording`` is a file name a Real-Time ``record`` command returned."""
        media = own(inv, args[0])
        made = None if args[1] is None else state.recordings.get(args[1])
        if made is None or made[0] != inv.caller.account.login:
            raise not_found("media_file", args[1])  # sdk-dotnet MediaServiceTest
        media.content, media.voice, media.recording = "", "", args[1]
        process(media, made[1])
        return True

    @method(
        "media/tts.set_content",
        Arg("media_id", Kind.INT),
        Arg("text", Kind.STRING, nullable=True),
        Arg("voice", Kind.STRING, nullable=True),
        Arg("options", Kind.OBJECT, nullable=True, optional=True),
    )
    def tts_set_content(inv: Invocation, args: list[Any]) -> bool:
        media = own(inv, args[0])
        text, voice = given(args[1], "text"), args[2]
        if not text.strip():
            raise invalid("text", "text is empty")
        if voice not in params.TTS_VOICES:
            raise invalid("voice", f"voice must be one of {', '.join(params.TTS_VOICES)}")
        # production names the option alone: PROPERTY_VALUE_ERROR [rate] (sdk-dotnet MediaServiceTest)
        rate = params.options(args[3], params.TTS_OPTIONS, "").get("rate") or 50
        media.content, media.voice = text, voice
        seconds = len(text.split()) / WORDS_PER_SECOND * 50 / rate
        process(media, max(1, round(seconds)))
        return True

    return [
        create,
        get,
        get_list,
        delete,
        set_name,
        set_tags,
        set_content,
        set_content_from_recording,
        tts_set_content,
    ]
