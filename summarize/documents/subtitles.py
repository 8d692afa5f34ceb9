"""Subtitles (.srt, .vtt) through pysubs2: the cues are one flow of text (a sentence may span
several), their count, order and timings never change."""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarize.documents.base import DocumentFile, Unit
from summarize.errors import InputError

#: Suffix -> pysubs2's format name.
SUBTITLE_FORMATS = {".srt": "srt", ".vtt": "vtt"}


@dataclass
class SubtitleDocument(DocumentFile):
    subtitles: object = None
    pysubs2_format: str = "srt"

    def rebuilt(self, texts: list[list[str]]) -> bytes:
        for event, (text,) in zip(self.subtitles.events, texts):
            if text != event.plaintext:
                event.plaintext = text
        return self.subtitles.to_string(self.pysubs2_format).encode("utf-8")


def read_subtitles(text: str, origin: str, suffix: str) -> SubtitleDocument:
    """The cues of a subtitle file; one whose cues cannot be read is refused in one line."""
    import pysubs2

    name = SUBTITLE_FORMATS[suffix]
    try:
        subtitles = pysubs2.SSAFile.from_string(text, format_=name)
    except (pysubs2.exceptions.Pysubs2Error, ValueError, KeyError, IndexError) as error:
        raise InputError(f"{origin}: not a readable {name} file ({error})") from None
    if not subtitles.events:
        raise InputError(f"{origin}: holds no cues")
    _check_timings(text, subtitles.events, origin, name)
    document = SubtitleDocument(origin, flowing=True, subtitles=subtitles, pysubs2_format=name)
    for event in subtitles.events:
        document.units.append(Unit("cue", [event.plaintext], [None]))
        document.formatting_dropped += event.text != _escaped(event.plaintext)
    return document


#: A line that holds a cue's timing, or that pysubs2 may read as one: a time (digits around a
#: colon) and an arrow.
_TIMING_LINE = re.compile(r"^(?=[^\n]*\d:\d)[^\n]*-->[^\n]*$", re.MULTILINE)
#: A timing written as it is written back: non-negative hours, minutes, seconds and milliseconds
#: (hours optional in WebVTT), then cue settings.
_TIMING = re.compile(
    r"\s*(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[,.](\d{1,3}))?\s*-->\s*(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[,.](\d{1,3}))?(?:[ \t].*)?\s*"
)


def _check_timings(text: str, events, origin: str, name: str) -> None:
    """Refuse a file whose timings would not come back as written: each timing line must be one
    this format writes, and say what pysubs2 read (a sign, a letter or a count it skips over
    would otherwise change a cue's time without a word)."""
    lines = _TIMING_LINE.findall(text)
    for number, line in enumerate(lines, 1):
        written = _TIMING.fullmatch(line)
        read = (events[number - 1].start, events[number - 1].end) if number <= len(events) else None
        if written is None or read != (_milliseconds(written.groups()[:4]), _milliseconds(written.groups()[4:])):
            raise InputError(f"{origin}: cue {number}'s timing {line.strip()[:60]!r} is not a {name} timing kept as written")


def _milliseconds(parts: tuple) -> int:
    hours, minutes, seconds, fraction = parts
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int((fraction or "0").ljust(3, "0"))


def _escaped(plaintext: str) -> str:
    return plaintext.replace("\n", "\\N")
