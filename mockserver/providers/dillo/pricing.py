"""What a voice request costs (mock's choice, dillo.md §9.9; currency implicitly EUR).

The call itself is billed per second at the scenario's ``price_per_minute``, as for every provider;
recordings and transcriptions per started interval, as the ``Interval`` / ``TranscriptionInterval``
fields of ``VoiceCallRecording`` suggest [STATUS].
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from mockserver.core.calls import Call
from mockserver.providers.dillo.models import VoiceRecording

RECORDING_INTERVAL = 60  # seconds per billed recording interval
RECORDING_PRICE = Decimal("0.005")  # per started recording interval
TRANSCRIPTION_INTERVAL = 15  # seconds per billed transcription interval
TRANSCRIPTION_PRICE = Decimal("0.01")  # per started transcription interval
PLACES = Decimal("0.0001")


def intervals(seconds: float, interval: int) -> int:
    return max(1, math.ceil(seconds / interval))


def recording_price(recording: VoiceRecording) -> Decimal:
    return RECORDING_PRICE * intervals(recording.seconds, RECORDING_INTERVAL)


def transcription_intervals(recording: VoiceRecording) -> int:
    if recording.transcription is None:
        return 0
    return intervals(recording.seconds, TRANSCRIPTION_INTERVAL)


def transcription_price(recording: VoiceRecording) -> Decimal:
    return TRANSCRIPTION_PRICE * transcription_intervals(recording)


def call_price(call: Call) -> Decimal:
    return call.price.quantize(PLACES, rounding=ROUND_HALF_UP)


def total(call: Call, recordings: Sequence[VoiceRecording]) -> Decimal:
    extras = sum((recording_price(r) + transcription_price(r) for r in recordings), Decimal(0))
    return call_price(call) + extras


def description(call: Call, recordings: Sequence[VoiceRecording]) -> str:
    """e.g. ``"Call 30 s x 0.0098/min = 0.0049; 1 recording(s) = 0.0050; 1 transcription(s) = 0.0200"``."""
    parts = [f"Call {call.talk_seconds} s x {call.price_per_minute.normalize():f}/min = {call_price(call)}"]
    if recordings:
        price = sum((recording_price(r) for r in recordings), Decimal(0))
        parts.append(f"{len(recordings)} recording(s) = {price.quantize(PLACES)}")
    transcribed = [r for r in recordings if r.transcription is not None]
    if transcribed:
        price = sum((transcription_price(r) for r in transcribed), Decimal(0))
        parts.append(f"{len(transcribed)} transcription(s) = {price.quantize(PLACES)}")
    return "; ".join(parts)
