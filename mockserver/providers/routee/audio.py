"""Silent audio for the mock's recording downloads: a WAV, or MPEG-1 Layer III frames of silence."""

from __future__ import annotations

import struct

WAV_RATE = 8000
#: One 128 kbit/s, 44.1 kHz, mono MP3 frame: a header and all-zero side info and data decode as silence.
MP3_FRAME = bytes([0xFF, 0xFB, 0x90, 0xC4]) + bytes(413)
MP3_FRAMES_PER_SECOND = 44100 / 1152


def silence(fmt: str, seconds: int) -> bytes:
    if fmt == "mp3":
        return MP3_FRAME * max(1, round(seconds * MP3_FRAMES_PER_SECOND))
    data = bytes(WAV_RATE * max(seconds, 0) * 2)  # 16-bit PCM zeros
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE"
    fmt_chunk = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, WAV_RATE, WAV_RATE * 2, 2, 16)
    return header + fmt_chunk + b"data" + struct.pack("<I", len(data)) + data
