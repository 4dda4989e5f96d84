"""What each ASMX operation does, given bound arguments: one provider call, one result value.

The bindings (routes.py) decode requests into arguments and render the returned value (render.py).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from mockserver.core.calls import Party
from mockserver.providers.esendex import audio
from mockserver.providers.esendex.dialer import pacing_offset
from mockserver.providers.esendex.operations import MOCK_HANGUP, Operation
from mockserver.providers.esendex.render import AdvancedStatus, UploadResult
from mockserver.providers.esendex.status import NotifyStatus, refused
from mockserver.providers.esendex.validation import Refused, destination
from mockserver.providers.esendex.vocabulary import Code
from mockserver.providers.esendex.voices import VOICE_IDS

if TYPE_CHECKING:
    from mockserver.providers.esendex.provider import Esendex

VERSION = "mockserver Phone Notify 2.0"  # GetVersion (mock's wording)
Args = Mapping[str, Any]


class Service:
    def __init__(self, api: Esendex) -> None:
        self.api = api
        self.handlers: dict[str, Callable[[Args], Any]] = {
            "NotifyPhoneBasic": self.notify_basic,
            "NotifyPhoneBasicWithTryCount": self.notify_basic,
            "NotifyPhoneBasicWithTransfer": self.notify_basic,
            "NotifyPhoneEnglishBasic": self.notify_basic,
            "NotifyMultiplePhoneBasic": self.notify_multiple_basic,
            "NotifyMultiplePhoneBasicWithCPM": self.notify_multiple_basic,
            "NotifyMultiplePhoneBasicWithCPMandReferenceID": self.notify_multiple_basic,
            "NotifyPhoneAdvanced": self.notify_advanced,
            "NotifyMultiplePhoneAdvanced": self.notify_multiple_advanced,
            "GetQueueIDStatus": self.queue_status,
            "GetQueueIDStatusWithAdvancedInfo": self.queue_status_advanced,
            "GetMultipleQueueIdStatus": self.multiple_status,
            "GetQueueIDStatusesByPhoneNumber": self.statuses_by_phone,
            "CancelNotify": self.cancel,
            "CancelNotifyByReferenceID": self.cancel_by_reference,
            "GetResponseCodes": lambda args: None,
            "getVoices": lambda args: None,
            "GetVersion": lambda args: VERSION,
            "UploadSoundFile": self.upload_sound,
            "ReturnSoundFileIDs": self.sound_ids,
            "RemoveSoundFile": self.remove_sound,
            "RenameSoundFile": self.rename_sound,
            "GetSoundFileLength": self.sound_length,
            "GetSoundFileInUlaw": self.sound_in_ulaw,
            "GetTTSInULAW": self.tts_in_ulaw,
            MOCK_HANGUP.name: self.mock_hangup,
        }

    def run(self, op: Operation, args: Args) -> Any:
        return self.handlers[op.name](args)

    # -- placing ---------------------------------------------------------------------------------
    @staticmethod
    def _basic_fields(args: Args, phone: str) -> dict[str, Any]:
        """Basic parameters under their AdvancedNotifyRequest names."""
        return {
            "PhoneNumberToDial": phone,
            "TextToSay": args.get("TextToSay"),
            "CallerIDNumber": args.get("CallerID"),
            "CallerIDName": args.get("CallerIDname"),
            "VoiceID": voice_id(args.get("VoiceID")),
            "LicenseKey": args.get("LicenseKey"),
            "TryCount": args.get("TryCount", 1),
            "TransferNumber": args.get("TransferNumber"),
            "ReferenceID": args.get("ReferenceID"),
        }

    def notify_basic(self, args: Args) -> NotifyStatus:
        # LicenseKey 0 is the demo key of NotifyPhoneBasic / NotifyPhoneEnglishBasic [ASMX]; the methods
        # with a CallerID parameter need it filled in [ASMX NotifyPhoneBasic].
        fields = self._basic_fields(args, args.get("PhoneNumberToDial") or "")
        return self.api.submit(
            fields,
            demo_allowed="TryCount" not in args and "TransferNumber" not in args,
            caller_id_required="CallerID" in args,
        )

    def notify_multiple_basic(self, args: Args) -> list[NotifyStatus]:
        numbers = [n.strip() for n in (args.get("PhoneNumbersToDial") or "").split(";") if n.strip()]
        rate = args.get("CallsPerMinute") or 0
        results = []
        queued = 0
        for number in numbers:
            fields = self._basic_fields(args, number)
            status = self.api.submit(fields, pacing_offset(queued, rate), caller_id_required=True)
            queued += status.queue_id != 0
            results.append(status)
        return results

    def notify_advanced(self, args: Args) -> NotifyStatus:
        return self.api.submit(args.get("anr") or {})

    def notify_multiple_advanced(self, args: Args) -> list[NotifyStatus]:
        return [self.api.submit(anr) for anr in args.get("MultipleANR") or []]

    # -- reading ---------------------------------------------------------------------------------
    def _key(self, args: Args) -> str:
        key = (args.get("LicenseKey") or "").strip()
        if not self.api.known_key(key):
            raise Refused(Code.KEY_INVALID)
        return key

    def _one(self, queue_id: int, key: str) -> NotifyStatus:
        notify = self.api.notify_for(queue_id, key)
        if notify is None:  # unknown QueueID: Universal Error, QueueID echoed (esendex.md §10.9)
            return NotifyStatus(Code.UNIVERSAL_ERROR, Code.UNIVERSAL_ERROR.text, queue_id, complete=True)
        return self.api.status(notify)

    def queue_status(self, args: Args) -> NotifyStatus:
        """By QueueID alone: GetQueueIDStatus takes no LicenseKey [WSDL][G-ps][G-js][G-rest]."""
        queue_id = args.get("QueueID") or 0
        notify = self.api.state.notifies.get(queue_id)
        if notify is None:  # unknown QueueID: Universal Error, QueueID echoed (esendex.md §10.9)
            return NotifyStatus(Code.UNIVERSAL_ERROR, Code.UNIVERSAL_ERROR.text, queue_id, complete=True)
        return self.api.status(notify)

    def queue_status_advanced(self, args: Args) -> AdvancedStatus:
        """The status plus the notify's TextToSay and its script variables [WSDL][ASMX][G-pl]."""
        try:
            key = self._key(args)
        except Refused as refusal:
            return AdvancedStatus(refused(refusal.code), None, None)
        queue_id = args.get("QueueID") or 0
        notify = self.api.notify_for(queue_id, key)
        if notify is None:
            return AdvancedStatus(self._one(queue_id, key), None, None)
        return AdvancedStatus(self.api.status(notify), notify.request.text, tuple(notify.variables.items()))

    def multiple_status(self, args: Args) -> list[NotifyStatus]:
        parts = [p.strip() for p in (args.get("QueueIDs") or "").replace(",", ";").split(";") if p.strip()]
        try:
            key = self._key(args)
        except Refused as refusal:
            return [refused(refusal.code)]
        return [self._one(int(p), key) if p.isdigit() else refused(Code.UNIVERSAL_ERROR) for p in parts]

    def statuses_by_phone(self, args: Args) -> list[NotifyStatus]:
        """The last 10 notifies to the number, newest first [ASMX]."""
        try:
            key = self._key(args)
            phone = destination(args.get("PhoneNumber") or "").phone
        except Refused as refusal:
            return [refused(refusal.code)]
        mine = [
            n
            for n in self.api.state.notifies.values()
            if n.request.license_key == key and n.request.phone == phone
        ]
        return [self.api.status(n) for n in reversed(mine[-10:])]

    # -- cancelling ------------------------------------------------------------------------------
    def cancel(self, args: Args) -> bool:
        notify = self.api.notify_for(args.get("QueueID") or 0, (args.get("LicenseKey") or "").strip())
        return notify is not None and self.api.cancel(notify)

    def cancel_by_reference(self, args: Args) -> int:
        key = (args.get("LicenseKey") or "").strip()
        reference = args.get("ReferenceID") or ""
        if not reference:
            return 0
        notifies = [
            n
            for n in list(self.api.state.notifies.values())
            if n.request.license_key == key and n.request.reference_id == reference
        ]
        return sum(self.api.cancel(n) for n in notifies)

    def mock_hangup(self, args: Args) -> bool:
        """Mock-only: end the QueueID's call in progress, as if hung up through an API."""
        notify = self.api.notify_for(args.get("QueueID") or 0, (args.get("LicenseKey") or "").strip())
        last = None if notify is None else notify.last_call_id
        backend = self.api.ctx.backend
        call = None if last is None else backend.store.get(last)
        if call is None or not call.live:
            return False
        backend.hangup(call.id, Party.API, "MockHangUp")
        return True

    # -- sound files -----------------------------------------------------------------------------
    def upload_sound(self, args: Args) -> UploadResult:
        key = (args.get("LicenseKey") or "").strip()
        sound_id = (args.get("SoundFileID") or "").strip()
        if not self.api.known_key(key):
            return UploadResult(False, 0, Code.KEY_INVALID.text)
        if not sound_id:
            return UploadResult(False, 0, "SoundFileID is required")
        seconds = wav_seconds(args.get("FileBinary") or b"")
        if seconds is None:
            return UploadResult(False, 0, "FileBinary is not a WAV file (PCM, u-law, a-law or MS ADPCM)")
        self.api.state.sounds[(key, sound_id)] = seconds
        return UploadResult(True, seconds, "")

    def sound_ids(self, args: Args) -> list[str]:
        return sorted(self.api.sound_ids((args.get("LicenseKey") or "").strip()))

    def rename_sound(self, args: Args) -> bool:
        """False if the file is unknown or the new name is empty or taken (mock's choice)."""
        key = (args.get("LicenseKey") or "").strip()
        old, new = ((args.get(name) or "").strip() for name in ("SoundFileID", "NewSoundFileID"))
        sounds = self.api.state.sounds
        if (key, old) not in sounds or not new or (key, new) in sounds:
            return False
        sounds[(key, new)] = sounds.pop((key, old))
        return True

    def sound_length(self, args: Args) -> float:
        """Seconds, a double [WSDL]; 0 for a file the key does not have (mock's choice)."""
        entry = ((args.get("LicenseKey") or "").strip(), (args.get("SoundFileID") or "").strip())
        return float(self.api.state.sounds.get(entry, 0))

    def sound_in_ulaw(self, args: Args) -> bytes | None:
        """A sound file of the key as μ-law WAV; null if the key or the file is unknown [G-pl]."""
        key = (args.get("LicenseKey") or "").strip()
        seconds = self.api.state.sounds.get((key, (args.get("SoundFileID") or "").strip()))
        return None if seconds is None or not self.api.known_key(key) else audio.sound_file(seconds)

    def tts_in_ulaw(self, args: Args) -> bytes | None:
        """TextToSay as μ-law WAV sized from its words; null for an unknown key or voice (mock's choice)."""
        if (
            not self.api.known_key((args.get("LicenseKey") or "").strip())
            or args.get("VoiceID") not in VOICE_IDS
        ):
            return None
        return audio.speech(args.get("TextToSay") or "", args.get("TTSrate") or 10)

    def remove_sound(self, args: Args) -> bool:
        entry = ((args.get("LicenseKey") or "").strip(), (args.get("SoundFileID") or "").strip())
        return self.api.state.sounds.pop(entry, None) is not None


def voice_id(raw: str | None) -> int:
    """The Basic methods' VoiceID is a string [WSDL]: empty or absent is voice 0, Diane (mock's choice);
    anything else that is not a number is no voice (Invalid VoiceID, 5)."""
    text = (raw or "").strip()
    if not text:
        return 0
    return int(text) if text.isdigit() and len(text) < 10 else -1


def wav_seconds(data: bytes) -> int | None:
    """The length of a RIFF/WAVE file in whole seconds (at least 1), or None if it is not one."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    import wave  # ~1.5 ms to import: only for an uploaded WAVE file

    try:
        with wave.open(io.BytesIO(data)) as reader:
            rate = reader.getframerate()
            return max(1, round(reader.getnframes() / rate)) if rate else None
    except (wave.Error, EOFError, ValueError):
        # u-law, a-law and ADPCM are not PCM, which `wave` refuses; read their byte rate instead.
        if len(data) >= 44:
            byte_rate = int.from_bytes(data[28:32], "little")
            return max(1, round((len(data) - 44) / byte_rate)) if byte_rate else None
        return None
