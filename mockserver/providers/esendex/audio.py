"""The audio GetSoundFileInUlaw and GetTTSInULAW return: G.711 μ-law WAV files, 8 kHz mono.

A public client writes what these methods return to ``.wav`` files and joins them with sox [G-pl], so
the result is a RIFF/WAVE file (format tag 7, μ-law), not bare samples. The mock has no voices: it
writes a soft 400 Hz tone of the right length, in word-sized bursts for text (mock's choice). Its
length is what the mock's call clock uses: a sound file's uploaded length, or 0.4 s a word at TTSrate
10 (scaled by 10/rate), as a script's text takes during a call (interpreter.py).
"""

from __future__ import annotations

import math
import struct

from mockserver.providers.esendex.interpreter import SECONDS_PER_WORD

RATE = 8000  # samples a second, one byte each
WAVE_FORMAT_MULAW = 7
_BIAS, _CLIP = 0x84, 32635
_AMPLITUDE = 3000  # about -21 dBFS: clearly audible, never clipped


def ulaw(sample: int) -> int:
    """One 16-bit linear sample as a G.711 μ-law byte."""
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), _CLIP) + _BIAS
    exponent = max((magnitude >> 7).bit_length() - 1, 0)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | exponent << 4 | mantissa) & 0xFF


SILENCE = ulaw(0)
#: One period of the tone: 400 Hz is exactly 20 samples at 8 kHz, so periods join without a click.
_PERIOD = bytes(ulaw(round(_AMPLITUDE * math.sin(2 * math.pi * i / 20))) for i in range(20))


def tone(samples: int) -> bytes:
    return (_PERIOD * (samples // len(_PERIOD) + 1))[:samples]


def wav(samples: bytes) -> bytes:
    """A μ-law WAVE file: ``fmt`` (18 bytes, as for every non-PCM format), ``fact``, ``data``."""
    fmt = struct.pack("<HHIIHHH", WAVE_FORMAT_MULAW, 1, RATE, RATE, 1, 8, 0)
    fact = struct.pack("<I", len(samples))
    pad = b"\0" if len(samples) % 2 else b""
    chunks = (
        b"fmt " + struct.pack("<I", len(fmt)) + fmt
        + b"fact" + struct.pack("<I", len(fact)) + fact
        + b"data" + struct.pack("<I", len(samples)) + samples + pad
    )  # fmt: skip
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks


def sound_file(seconds: float) -> bytes:
    """An uploaded (or recorded) sound file of ``seconds``, as μ-law."""
    return wav(tone(round(seconds * RATE)))


def speech(text: str, tts_rate: int) -> bytes:
    """``text`` spoken: one burst a word (three quarters tone, a quarter pause)."""
    words = len(text.split())
    per_word = round(SECONDS_PER_WORD * 10 / max(tts_rate or 10, 1) * RATE)
    spoken = round(per_word * 0.75)
    return wav((tone(spoken) + bytes([SILENCE]) * (per_word - spoken)) * words)
