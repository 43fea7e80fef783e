"""Bytes to text: every input file is decoded the same careful way, or refused with a reason.

Reading is where scraped input goes wrong: binary files (PDFs, images, NUL bytes) are
refused with a reason; text is decoded as UTF-8 (a byte-order mark is kept as the first
character, as GOLD.md's "nothing stripped" says), UTF-16 with its byte-order mark, or else
Windows-1252 / Latin-1, and the record says which. Offsets always count characters of the
text as it was decoded.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path

# Longer than any abstract or registry entry by far; a bigger file is a dump or a mistake,
# and refusing it keeps time and memory bounded.
DEFAULT_MAX_CHARS = 2_000_000

# File signatures of the binary formats that get renamed to .txt most often.
BINARY_SIGNATURES = {
    b"%PDF-": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (or a .docx/.xlsx file)",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office document",
    b"\x1f\x8b": "a gzip archive",
    b"{\\rtf": "an RTF document",
}


class InputError(ValueError):
    """A file that cannot be read as an abstract; the message names the problem."""


@dataclass
class DecodedText:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def decode_bytes(data: bytes) -> DecodedText:
    for signature, kind in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise InputError(f"binary content: {kind}, not text")
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return DecodedText(data.decode(codec), "utf-16")
            except UnicodeDecodeError as exc:
                raise InputError(f"has a UTF-16 byte-order mark but is not valid UTF-16 (byte {exc.start})") from exc
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(f"binary content: NUL byte at offset {nul}, not text")
    try:
        encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
        return DecodedText(data.decode("utf-8"), encoding)
    except UnicodeDecodeError as exc:
        position = exc.start
    for codec in ("cp1252", "latin-1"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        return DecodedText(text, codec, [f"not valid UTF-8 (byte {position}): decoded as {codec}"])
    raise AssertionError("latin-1 decodes every byte")


def read_raw(path: Path) -> str:
    """The file's text as GOLD.md defines it (for gold checks and the tests)."""
    return decode_bytes(Path(path).read_bytes()).text


# C0 controls other than the whitespace ones (\t \n \v \f \r): text does not hold them.
CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20)])


def control_character_share(text: str) -> float:
    sample = text[:65536]
    if not sample:
        return 0.0
    # Counted in the UTF-8 bytes, where each of these characters is its one byte and every other
    # character's bytes are 0x80 and above (a lone surrogate too, with surrogatepass): deleting
    # them with bytes.translate is several times faster than finding them with a pattern.
    encoded = sample.encode("utf-8", "surrogatepass")
    return (len(encoded) - len(encoded.translate(None, CONTROL_BYTES))) / len(sample)
