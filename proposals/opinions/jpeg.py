"""A JPEG's marker segments, walked without decoding anything (ITU T.81 annex B).

A JPEG is SOI, then segments (0xFF, a marker byte, a 2-byte big-endian length that counts
itself, the payload) up to the first SOS; after an SOS header come entropy-coded bytes in which
0xFF is always followed by 0x00 (a stuffed byte) or a restart marker RST0–7, until the next
marker: another table or scan (progressive JPEGs) or EOI. No maintained library strips the
metadata this way (Pillow always re-encodes; piexif is unmaintained), so it is done here.
"""

import re

SOI, EOI, SOS = 0xD8, 0xD9, 0xDA
DQT, DHT, DRI = 0xDB, 0xC4, 0xDD
# Baseline, extended and progressive Huffman frames: what cameras and phones write. Lossless,
# hierarchical and arithmetic-coded frames are left to the decoder (the caller's other path).
SOF_KEPT = frozenset({0xC0, 0xC1, 0xC2})
APP0, APP2, APP14 = 0xE0, 0xE2, 0xEE
# EXIF and XMP (APP1), Photoshop/IPTC (APP13) and the rest of the application segments, and
# comments: metadata, never image data. APP2 and APP14 are looked at (see `strip_metadata`).
DROPPED = frozenset({0xE1, *range(0xE3, 0xEE), 0xEF, 0xFE})
# Marker segments that may sit between the scans of a progressive JPEG and belong to the image.
BETWEEN_SCANS = frozenset({DHT, DQT, DRI, SOS})

# 0xFF then a byte that ends the entropy-coded data: not a stuffed 0x00, not RST0–7, not a fill 0xFF.
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def _segment(data: bytes, pos: int) -> tuple[int, int, int] | None:
    """(marker, start, end) of the segment at `pos`, fill bytes skipped; None if not whole."""
    n = len(data)
    if pos >= n or data[pos] != 0xFF:
        return None
    while pos + 1 < n and data[pos + 1] == 0xFF:  # fill bytes before a marker are allowed
        pos += 1
    if pos + 4 > n:
        return None
    marker = data[pos + 1]
    length = int.from_bytes(data[pos + 2 : pos + 4], "big")
    if length < 2 or pos + 2 + length > n:
        return None
    return marker, pos, pos + 2 + length


def _image_end(data: bytes, pos: int) -> int | None:
    """Where the image ends (just after its EOI), from the end of an SOS header; None if the
    file stops first or a marker that is not part of the image comes between scans."""
    while True:
        found = _NEXT_MARKER.search(data, pos)
        if found is None:
            return None  # truncated: no EOI
        start = found.start()
        marker = data[start + 1]
        if marker == EOI:
            return start + 2
        if marker not in BETWEEN_SCANS:
            return None
        segment = _segment(data, start)
        if segment is None:
            return None
        pos = segment[2]


def is_complete(data: bytes) -> bool:
    """Whether a JPEG's segments are whole from SOI to an EOI after its scans (a file cut short
    in transfer is not); any segment before the first SOS is accepted here."""
    if not data.startswith(b"\xff\xd8"):
        return False
    pos = 2
    while (segment := _segment(data, pos)) is not None:
        marker, _start, end = segment
        if marker == SOS:
            return _image_end(data, end) is not None
        pos = end
    return False


def strip_metadata(data: bytes) -> tuple[bytes, int, int] | None:
    """The same JPEG without its metadata, its image data byte for byte; with (width, height)
    from its frame header. None when anything is unexpected: the caller decodes it instead.

    Kept: SOI; APP0 when it is JFIF without a thumbnail; APP2 when it is an ICC profile (the
    colours); APP14 when it is Adobe's (needed to decode CMYK/YCCK); the tables, the frame
    header and everything from the first SOS to EOI. Dropped: every other APPn and COM, and
    whatever follows EOI (the multi-picture images, motion-photo videos and maker trailers that
    phones append there).
    """
    if not data.startswith(b"\xff\xd8"):
        return None
    kept = [data[:2]]
    size = None
    pos = 2
    while (segment := _segment(data, pos)) is not None:
        marker, pos, end = segment
        payload = data[pos + 4 : end]
        if marker == SOS:
            image_end = _image_end(data, end)
            if image_end is None or size is None:
                return None
            kept.append(data[pos:image_end])
            return b"".join(kept), *size
        if marker in SOF_KEPT:
            if size is not None or len(payload) < 6:
                return None  # one frame per image
            size = (int.from_bytes(payload[3:5], "big"), int.from_bytes(payload[1:3], "big"))
            kept.append(data[pos:end])
        elif marker in (DQT, DHT, DRI):
            kept.append(data[pos:end])
        elif marker == APP0:
            if payload.startswith(b"JFIF\0"):
                if len(payload) < 14 or payload[12] or payload[13]:
                    return None  # a JFIF thumbnail: a picture of its own, left to the decoder
                kept.append(data[pos:end])
            # JFXX (an extension thumbnail) and others: dropped
        elif marker == APP2:
            if payload.startswith(b"ICC_PROFILE\0"):
                kept.append(data[pos:end])
            # MPF (the index of the pictures appended after EOI), FlashPix: dropped
        elif marker == APP14:
            if payload.startswith(b"Adobe"):
                kept.append(data[pos:end])
        elif marker not in DROPPED:
            return None
        pos = end
    return None
