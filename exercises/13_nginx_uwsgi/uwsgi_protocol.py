"""Task 1: the uwsgi packet, what nginx's `uwsgi_pass` sends to a uwsgi server.

    byte 0        modifier1     0 = a WSGI request
    bytes 1–2     size          of the vars block, unsigned 16-bit, little-endian
    byte 3        modifier2     0
    vars block    for each var: key size (16-bit LE), key, value size (16-bit LE), value (UTF-8)
    body          everything after the vars block (CONTENT_LENGTH bytes)

Every malformed input raises ValueError. Nothing is ever cut short in silence.
See README.md, task 1, for the rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

MAX_SIZE = 65535  # the largest number 16 bits hold: a var, and the whole vars block


class Packet(NamedTuple):
    """Given. The fields are in the order of encode()'s arguments: encode(*packet) works."""

    vars: dict[str, str]
    body: bytes = b""
    modifier1: int = 0
    modifier2: int = 0


def encode_vars(vars: Mapping[str, str]) -> bytes:
    """The vars block: each key and value (UTF-8) after its 16-bit little-endian size, in order."""
    raise NotImplementedError


def encode(
    vars: Mapping[str, str], body: bytes = b"", modifier1: int = 0, modifier2: int = 0
) -> bytes:
    """A whole packet: the 4-byte header, the vars block, then the body."""
    raise NotImplementedError


def decode_header(data: bytes) -> tuple[int, int, int]:
    """(modifier1, size, modifier2) from the first 4 bytes of data."""
    raise NotImplementedError


def decode_vars(block: bytes) -> dict[str, str]:
    """The vars of a block, in order; a key seen twice keeps its last value."""
    raise NotImplementedError


def decode(data: bytes) -> Packet:
    """A whole packet; everything after the vars block is the body."""
    raise NotImplementedError
