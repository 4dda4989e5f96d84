"""Recordings as files: a silent 8 kHz, 16-bit mono PCM WAV as long as the recording (mock's choice:
nothing is really recorded). Streamed in chunks, so an hour-long recording is not built in memory."""

from __future__ import annotations

import struct
from collections.abc import Iterator

RATE = 8000
BYTES_PER_SAMPLE = 2
HEADER_BYTES = 44
CHUNK = 64 * 1024


def data_bytes(seconds: float) -> int:
    return round(seconds * RATE) * BYTES_PER_SAMPLE


def file_size(seconds: float) -> int:
    """``FileSize`` of a recording: exactly the bytes the download serves."""
    return HEADER_BYTES + data_bytes(seconds)


def header(seconds: float) -> bytes:
    size = data_bytes(seconds)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + size)
        + b"WAVE"
        + b"fmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, RATE, RATE * BYTES_PER_SAMPLE, BYTES_PER_SAMPLE, 16)
        + b"data"
        + struct.pack("<I", size)
    )


def wav(seconds: float) -> Iterator[bytes]:
    yield header(seconds)
    left = data_bytes(seconds)
    zeros = bytes(CHUNK)
    while left > 0:
        yield zeros[: min(left, CHUNK)]
        left -= CHUNK
