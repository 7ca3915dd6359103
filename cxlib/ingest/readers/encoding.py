"""Text encodings of client files: detected strictly, never guessed silently.

A byte-order mark decides first; otherwise the whole file must decode as strict UTF-8,
and cp1252 (what Excel writes as "CSV" in Western Europe and the Americas) is chosen only
when it is unambiguous. charset-normalizer's mess detector vets that guess. Every failure
names the file, the first byte that does not decode (offset and line) and the fix.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "w.csv"
>>> _ = p.write_bytes("id,comment\\n1,café\\n".encode("cp1252"))
>>> detect_encoding(p)
'cp1252'
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from cxlib.errors import DataError

__all__ = ["detect_encoding", "detect_with_note", "check_encoding", "first_decode_error", "head_text", "BOMS",
           "SAMPLE_BYTES"]

_CHUNK = 16 * 1024 * 1024
#: Bytes read from the head of a text file to sniff its layout.
SAMPLE_BYTES = 256 * 1024
#: Byte-order marks and the codec each one means.
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Non-ASCII punctuation that legitimately sits between letters (l’équipe).
_WORD_PUNCT = set("’‘´`–—-·")


def detect_encoding(path) -> str:
    """The text encoding of ``path``: "utf-8", "utf-8-sig", "utf-16", "utf-32" or "cp1252".

    A byte-order mark decides first. Otherwise the whole file must decode as
    strict UTF-8. If it does not, cp1252 is chosen only when it is unambiguous:
    every byte decodes, charset-normalizer's mess detector finds the decoded text
    clean, and no symbol such as ``³`` or ``¿`` sits inside a word (the trace of
    Central-European or Cyrillic text read with the wrong code page). Anything
    else raises :class:`DataError` naming the file, the first byte that is not
    UTF-8 (offset and line) and how to fix it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "u.csv"
    >>> _ = p.write_bytes("\\ufeffid\\n1\\n".encode("utf-8"))
    >>> detect_encoding(p)
    'utf-8-sig'
    """
    return detect_with_note(Path(path))[0]


def detect_with_note(path: Path) -> tuple[str, str | None]:
    """(encoding, note for the reader's notes or None); see :func:`detect_encoding`."""
    with path.open("rb") as f:
        head = f.read(4)
    for bom, name in BOMS:
        if head.startswith(bom):
            return name, None
    bad = first_decode_error(path, "utf-8")
    if bad is None:
        return "utf-8", None
    offset, line = bad
    if first_decode_error(path, "cp1252") is None:
        problem = _cp1252_doubt(path)
        if problem is None:
            return "cp1252", (
                f"{path.name} is not UTF-8 (first non-UTF-8 byte at offset {offset}, line {line}); "
                "decoded as cp1252 (Windows Western). Check accented characters, or save the file as "
                "UTF-8, or set `encoding:` in client.yaml."
            )
    else:
        problem = "some bytes are not cp1252 either"
    guess = _cn_guess(path)
    raise DataError(
        f"{path.name} is not UTF-8: byte offset {offset} (line {line}) does not decode, and the encoding "
        f"cannot be told for sure ({problem}{'; charset-normalizer suggests ' + guess if guess else ''}). "
        "Save the file as UTF-8, or set `encoding:` for this table in client.yaml."
    )


def first_decode_error(path: Path, encoding: str) -> tuple[int, int] | None:
    """(byte offset, line) of the first byte that does not decode strictly, or None."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    lines = 0
    with path.open("rb") as f:
        while True:
            chunk = f.read(_CHUNK)
            final = not chunk
            try:
                decoder.decode(chunk, final=final)
            except UnicodeDecodeError as e:
                # e.start counts from the decoder's buffered bytes; at most a few bytes back
                pending = len(e.object) - len(chunk)
                pos = max(0, e.start - pending)
                return offset + pos, lines + chunk[:pos].count(b"\n") + 1
            if final:
                return None
            offset += len(chunk)
            lines += chunk.count(b"\n")


def _cp1252_doubt(path: Path) -> str | None:
    """Why a cp1252 reading looks wrong, or None when it looks like Western text."""
    from charset_normalizer.md import mess_ratio

    inside_word = re.compile(r"[^\W\d_]([^\x00-\x7f])[^\W\d_]")
    sample: list[str] = []
    size = 0
    with path.open("r", encoding="cp1252", newline="") as f:
        for line in f:
            if line.isascii():
                continue
            for m in inside_word.finditer(line):
                ch = m.group(1)
                if ch not in _WORD_PUNCT and not unicodedata.category(ch).startswith("L"):
                    word = re.search(r"[^\s,;|\"]*" + re.escape(ch) + r"[^\s,;|\"]*",
                                     line[max(0, m.start() - 20):m.end() + 20])
                    return f"read as cp1252 it gives {word.group(0)!r}, a symbol inside a word"
            if size < 1_000_000:
                sample.append(line)
                size += len(line)
    if sample and mess_ratio("".join(sample), 0.2) >= 0.2:
        return "read as cp1252 the text looks garbled"
    return None


def _cn_guess(path: Path) -> str | None:
    from charset_normalizer import from_bytes

    with path.open("rb") as f:
        best = from_bytes(f.read(1_000_000)).best()
    return best.encoding if best else None


def check_encoding(path: Path, encoding: str) -> None:
    """Refuse an unknown encoding name, or a file that does not decode with the one declared."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise DataError(f"{path.name}: unknown encoding {encoding!r} in client.yaml. "
                        "Use e.g. utf-8, utf-8-sig, utf-16, cp1252.") from None
    bad = first_decode_error(path, encoding)
    if bad is not None:
        raise DataError(f"{path.name} does not decode as {encoding}: byte offset {bad[0]} (line {bad[1]}). "
                        "Fix the `encoding:` of this table in client.yaml (or remove it to detect), "
                        "or save the file as UTF-8.")


def head_text(path: Path, encoding: str | None, size: int = SAMPLE_BYTES) -> str:
    """The first ``size`` bytes of ``path`` as text (BOM dropped).

    With ``encoding`` None the codec comes from a BOM (else UTF-8) and undecodable bytes
    are replaced: the result is a sample for sniffing, never data.
    """
    with path.open("rb") as f:
        raw = f.read(size)
    enc = encoding or next((n for b, n in BOMS if raw.startswith(b)), "utf-8")
    text = codecs.getincrementaldecoder(enc)(errors="replace" if encoding is None else "strict").decode(raw)
    return text.lstrip("\ufeff")
