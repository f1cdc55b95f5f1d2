"""Wrong: encode() and encode_vars() never check that vars is a mapping: a list of pairs or None raises AttributeError (no .items()), not ValueError. Caught by: test_vars_that_are_not_a_mapping_are_refused."""

from __future__ import annotations

import struct
from collections.abc import Mapping
from typing import NamedTuple

MAX_SIZE = 65535  # the largest number 16 bits hold: a var, and the whole vars block
HEADER = struct.Struct("<BHB")  # modifier1, size (little-endian), modifier2
SIZE = struct.Struct("<H")
BYTES_LIKE = (bytes, bytearray, memoryview)


class Packet(NamedTuple):
    vars: dict[str, str]
    body: bytes = b""
    modifier1: int = 0
    modifier2: int = 0


def encode_vars(vars: Mapping[str, str]) -> bytes:
    """The vars block: every key and value with its 16-bit little-endian size, in order."""
    parts = []
    for key, value in vars.items():
        for what, text in (("key", key), ("value", value)):
            if not isinstance(text, str):
                raise ValueError(
                    f"var {key!r}: the {what} must be a str, not {type(text).__name__}"
                )
        key_bytes, value_bytes = key.encode("utf-8"), value.encode("utf-8")
        for what, data in (("key", key_bytes), ("value", value_bytes)):
            if len(data) > MAX_SIZE:
                raise ValueError(
                    f"var {key[:40]!r}: the {what} is {len(data)} bytes; "
                    f"a uwsgi var holds at most {MAX_SIZE}"
                )
        parts += [SIZE.pack(len(key_bytes)), key_bytes, SIZE.pack(len(value_bytes)), value_bytes]
    block = b"".join(parts)
    if len(block) > MAX_SIZE:
        raise ValueError(f"the vars block is {len(block)} bytes; the limit is {MAX_SIZE}")
    return block


def encode(
    vars: Mapping[str, str], body: bytes = b"", modifier1: int = 0, modifier2: int = 0
) -> bytes:
    """A whole packet: the 4-byte header, the vars block, then the body."""
    for name, modifier in (("modifier1", modifier1), ("modifier2", modifier2)):
        if not isinstance(modifier, int) or isinstance(modifier, bool) or not 0 <= modifier <= 255:
            raise ValueError(f"{name} must be an int from 0 to 255, got {modifier!r}")
    if not isinstance(body, BYTES_LIKE):
        raise ValueError(f"the body must be bytes, not {type(body).__name__}")
    block = encode_vars(vars)
    return HEADER.pack(modifier1, len(block), modifier2) + block + bytes(body)


def decode_header(data: bytes) -> tuple[int, int, int]:
    """(modifier1, size, modifier2) from the first 4 bytes of data."""
    _check_bytes(data)
    if len(data) < HEADER.size:
        raise ValueError(f"truncated header: {len(data)} of {HEADER.size} bytes")
    return HEADER.unpack_from(data)


def decode_vars(block: bytes) -> dict[str, str]:
    """The vars of a block, in order; a key seen twice keeps its last value."""
    vars: dict[str, str] = {}
    for key, value in split_vars(block):
        vars[_utf8(key, "a key")] = _utf8(value, f"the value of {key!r}")
    return vars


def split_vars(block: bytes) -> list[tuple[bytes, bytes]]:
    """The (key, value) pairs of a block as raw bytes, in order, every size checked.

    decode_vars() decodes them as UTF-8; the server (task 2) as latin-1, PEP 3333's native
    strings, because a URL may carry bytes that are not UTF-8 (/bad%FF is the byte ff)."""
    _check_bytes(block)
    block = bytes(block)
    if len(block) > MAX_SIZE:
        raise ValueError(f"the vars block is {len(block)} bytes; the limit is {MAX_SIZE}")
    pairs = []
    position = 0
    while position < len(block):
        key, position = _read_field(block, position, "key")
        value, position = _read_field(block, position, f"value of {key!r}")
        pairs.append((key, value))
    return pairs


def decode(data: bytes) -> Packet:
    """A whole packet; everything after the vars block is the body."""
    modifier1, size, modifier2 = decode_header(data)
    data = bytes(data)
    end = HEADER.size + size
    if len(data) < end:
        raise ValueError(
            f"size mismatch: the header announces a {size}-byte vars block, "
            f"but only {len(data) - HEADER.size} bytes follow it"
        )
    return Packet(decode_vars(data[HEADER.size : end]), data[end:], modifier1, modifier2)


def _read_field(block: bytes, position: int, what: str) -> tuple[bytes, int]:
    if position + SIZE.size > len(block):
        raise ValueError(
            f"truncated vars block: no room for the size of a {what} at byte {position}"
        )
    (size,) = SIZE.unpack_from(block, position)
    start, end = position + SIZE.size, position + SIZE.size + size
    if end > len(block):
        raise ValueError(
            f"truncated vars block: a {what} of {size} bytes at byte {start} runs past "
            f"the end of the block ({len(block)} bytes)"
        )
    return block[start:end], end


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{what} is not valid UTF-8: {error}") from None


def _check_bytes(data: object) -> None:
    if not isinstance(data, BYTES_LIKE):
        raise ValueError(f"expected bytes, got {type(data).__name__}")
