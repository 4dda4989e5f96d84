"""A local emulator of telephony voice APIs, for tests."""

__version__ = "0.1.0"
