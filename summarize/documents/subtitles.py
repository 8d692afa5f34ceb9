"""Subtitles (.srt, .vtt) through pysubs2: the cues are one flow of text (a sentence may span
several), their count, order and timings never change."""

from __future__ import annotations

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
    document = SubtitleDocument(origin, flowing=True, subtitles=subtitles, pysubs2_format=name)
    for event in subtitles.events:
        document.units.append(Unit("cue", [event.plaintext], [None]))
        document.formatting_dropped += event.text != _escaped(event.plaintext)
    return document


def _escaped(plaintext: str) -> str:
    return plaintext.replace("\n", "\\N")
