"""Where translated text goes back in a document: whole sentences onto a unit's runs, each
formatted span carried onto its translation when it can be found there (tag projection by
lookup), and subtitle sentences split across the cues they spanned."""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass

from summarize.documents.base import VERBATIM, Unit

#: The usual subtitle line length (Netflix, BBC and EBU guidelines: 37 to 42 characters).
SUBTITLE_LINE = 42
#: Formatted spans of one unit carried onto its translation, at most: each is translated alone
#: and looked for in its sentence's translation, so a paragraph of tens of thousands of runs
#: would take minutes. Past it, the unit's translation takes its main formatting (its verbatim
#: runs kept where they were) and its spans are counted lost.
MOST_SPANS = 200
_NOT_A_LETTER = re.compile(r"[\W_]+")
_SPAN_PUNCTUATION = " \t.,;:!?¡¿\"'«»“”‘’()"


def locate(sentences: list[str], text: str) -> list[tuple[int, int]]:
    """The offsets of each sentence in `text`, in order (sentences are slices of it, maybe with
    whitespace changed)."""
    ranges, cursor = [], 0
    for sentence in sentences:
        start = text.find(sentence, cursor)
        end = start + len(sentence)
        if start < 0:
            pattern = r"\s+".join(map(re.escape, sentence.split()))
            match = re.compile(pattern).search(text, cursor) if pattern else None
            start, end = (match.start(), match.end()) if match else (cursor, cursor)
        ranges.append((start, end))
        cursor = end
    return ranges


def flat(text: str) -> str:
    """`text` with line breaks and tabs as spaces: the same length, so offsets carry over."""
    return text.translate(_FLAT)


_FLAT = str.maketrans("\n\r\t\v\f", "     ")


@dataclass
class Segment:
    """Consecutive runs of one style, and where their text lies in the unit's text."""

    style: object
    runs: list[int]
    start: int
    end: int
    #: The run that takes the segment's text: its first that is not fixed (None: all are).
    home: int | None = None


@dataclass
class Placed:
    """A unit's new run texts, and its formatted spans carried over or lost (and in which
    sentences they were lost)."""

    texts: list[str]
    kept: int = 0
    lost: int = 0
    sentences_lost: int = 0
    #: Whether the unit had more than MOST_SPANS spans, all placed in its main formatting.
    over_bound: bool = False


def segments_of(unit: Unit) -> list[Segment]:
    segments: list[Segment] = []
    offset = 0
    for index, (text, style) in enumerate(zip(unit.texts, unit.styles)):
        if segments and segments[-1].style == style:
            segments[-1].runs.append(index)
            segments[-1].end += len(text)
        else:
            segments.append(Segment(style, [index], offset, offset + len(text)))
        offset += len(text)
        if segments[-1].home is None and index not in unit.fixed:
            segments[-1].home = index
    return segments


def dominant_style(unit: Unit, segments: list[Segment]):
    """The style that holds most of the unit's letters (verbatim runs aside)."""
    styles = {segment.style for segment in segments} - {VERBATIM}
    if len(styles) <= 1:
        return next(iter(styles), None)
    letters: dict = {}
    text = unit.text
    for segment in segments:
        if segment.style != VERBATIM:
            count = len(_NOT_A_LETTER.sub("", text[segment.start : segment.end]))
            letters[segment.style] = letters.get(segment.style, 0) + count
    return max(letters, key=letters.get)


def over_span_bound(segments: list[Segment], dominant) -> bool:
    """Whether a unit has more formatted spans (verbatim runs included) than are carried over."""
    return sum(segment.style != dominant for segment in segments) > MOST_SPANS


def sent_text(unit: Unit) -> str:
    """The unit's text as it is translated: flat, its verbatim runs blanked (same offsets)."""
    if unit.sent is None:
        unit.sent = "".join(" " * len(t) if style == VERBATIM else flat(t) for t, style in zip(unit.texts, unit.styles))
    return unit.sent


def project(unit: Unit, sentences: list[tuple[str, str]], span_translations: dict[str, str]) -> Placed:
    """The unit's runs holding its translated sentences (`sentences`: source and translation, in
    order): the bulk in the dominant style, each other span where its own translation (or its
    source, a name kept) is found in its sentence's translation, in the source's order; a
    verbatim run keeps its text, at the word boundary nearest its place in its sentence."""
    text = sent_text(unit)
    ranges = locate([source for source, _ in sentences], text)
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    output, starts = lead, []
    for index, (_, translation) in enumerate(sentences):
        output += " " if index else ""
        starts.append(len(output))
        output += translation
    output += trail
    segments = segments_of(unit)
    dominant = dominant_style(unit, segments)
    spans = [s for s in segments if s.style != dominant and s.home is not None and unit.text[s.start : s.end].strip()]
    if over_span_bound(segments, dominant):
        return _in_main_formatting(unit, segments, dominant, output, spans, len(sentences))
    found: list[tuple[Segment, int, int]] = []
    lost_in: set[int | None] = set()
    cursor = 0
    for span in spans:
        sentence = _sentence_at(ranges, _first_letter(unit.text, span))
        low = max(cursor, starts[sentence]) if sentence is not None else cursor
        high = starts[sentence] + len(sentences[sentence][1]) if sentence is not None else len(output)
        if span.style == VERBATIM:
            place = _word_boundary(output, ranges, starts, sentences, sentence, span.start, low, high)
            found.append((span, place, place))
            cursor = place
            continue
        source = text[span.start : span.end].strip(_SPAN_PUNCTUATION)
        alone = span_translations.get(source, "").strip(_SPAN_PUNCTUATION)
        # Translated alone, a span may gain a subject or an article ("They went back" for
        # "volvieron"): without its first word it is looked for too.
        candidates = [alone, source.strip(_SPAN_PUNCTUATION), alone.split(" ", 1)[1] if " " in alone else ""]
        hit = _find_word(output, candidates, low, high)
        if hit is None and len(source.split()) == 1:
            hit = _find_stem(output, candidates[0], low, high)
        if hit:
            found.append((span, *hit))
            cursor = hit[1]
        else:
            lost_in.add(sentence)
    found = _with_slots(segments, dominant, found, output, lost_in, ranges, unit.text)
    texts = [unit.texts[i] if i in unit.fixed else "" for i in range(len(unit.texts))]
    for span, start, end in found:
        texts[span.home] = _verbatim(unit.text, span, output, start) if span.style == VERBATIM else output[start:end]
    edges = [(None, 0, 0), *found, (None, len(output), len(output))]
    for (before, _, before_end), (after, after_start, _) in zip(edges, edges[1:]):
        gap = output[before_end:after_start]
        slot = _slot(segments, dominant, before, after)
        if slot is not None:
            texts[slot.home] += gap
        elif before is not None:
            texts[before.home] += gap
        elif after is not None:
            texts[after.home] = gap + texts[after.home]
    kept = sum(span.style != VERBATIM for span, _, _ in found)
    formatted = sum(span.style != VERBATIM for span in spans)
    return Placed(texts, kept, formatted - kept, len(lost_in))


def _in_main_formatting(unit: Unit, segments: list[Segment], dominant, output: str, spans, sentences: int) -> Placed:
    """The whole translation in the unit's first run of its main formatting; verbatim runs keep
    their text where they were, every other span is lost."""
    home = next((s.home for s in segments if s.style == dominant and s.home is not None), None)
    home = home if home is not None else next(s.home for s in segments if s.home is not None)
    texts = [text if i in unit.fixed or style == VERBATIM else "" for i, (text, style) in enumerate(zip(unit.texts, unit.styles))]
    texts[home] = output
    lost = sum(span.style != VERBATIM for span in spans)
    return Placed(texts, 0, lost, sentences if lost else 0, over_bound=True)


def _verbatim(text: str, span: Segment, output: str, place: int) -> str:
    """A verbatim run's own text, with the space it had before it when it lands after a word."""
    own = text[span.start : span.end]
    spaced = span.start > 0 and text[span.start - 1].isspace() and place > 0 and not output[place - 1].isspace()
    return " " + own if spaced else own


def _word_boundary(output, ranges, starts, sentences, sentence, offset, low, high) -> int:
    """The place in `output` of a verbatim run at `offset` of the source: the same share of its
    sentence, moved to the nearest space (or the sentence's end)."""
    if sentence is None:
        return max(low, len(output.rstrip()))
    source_start, source_end = ranges[sentence]
    share = (offset - source_start) / max(1, source_end - source_start)
    goal = starts[sentence] + round(share * len(sentences[sentence][1]))
    boundaries = [i for i in range(low, high + 1) if i == high or output[i] == " "]
    return min(boundaries, key=lambda i: abs(i - goal)) if boundaries else low


def _first_letter(text: str, segment: Segment) -> int:
    raw = text[segment.start : segment.end]
    return segment.start + len(raw) - len(raw.lstrip())


def _sentence_at(ranges: list[tuple[int, int]], offset: int) -> int | None:
    for index, (start, end) in enumerate(ranges):
        if start <= offset < max(end, start + 1):
            return index
    return None


def _find_word(text: str, candidates: list[str], low: int, high: int) -> tuple[int, int] | None:
    for candidate in candidates:
        if not candidate:
            continue
        match = re.compile(rf"(?<!\w){re.escape(candidate)}(?!\w)", re.IGNORECASE).search(text, low, max(low, high))
        if match:
            return match.start(), match.end()
    return None


# A word of a span's translation found by its stem: words this long at least, sharing this
# share of their letters from the start ("Americans" for "American", "informed" in "They informed").
_STEM_WORD = 4
_STEM_SHARE = 0.75


def _find_stem(text: str, translation: str, low: int, high: int) -> tuple[int, int] | None:
    """A one-word span whose translation alone came back inflected otherwise or with a pronoun:
    the sentence's word that shares the stem of the translation's longest word."""
    words = sorted((w for w in re.findall(r"\w+", translation) if len(w) >= _STEM_WORD), key=len, reverse=True)
    for word in words[:1]:
        stem = word[: max(_STEM_WORD, math.ceil(_STEM_SHARE * len(word)))]
        match = re.compile(rf"(?<!\w){re.escape(stem)}\w*", re.IGNORECASE).search(text, low, max(low, high))
        if match:
            return match.start(), match.end()
    return None


def _slot(segments: list[Segment], dominant, before: Segment | None, after: Segment | None) -> Segment | None:
    """The first segment of the dominant style between two placed spans (source order)."""
    low = segments.index(before) + 1 if before is not None else 0
    high = segments.index(after) if after is not None else len(segments)
    return next((s for s in segments[low:high] if s.style == dominant and s.home is not None), None)


def _with_slots(segments, dominant, found, output, lost_in, ranges, text):
    """`found` less the spans whose neighbouring text has no run of the dominant style to go
    into (the translation moved text to a side of the span the source has none on); verbatim
    runs are never dropped, and take such text beside them."""
    found = list(found)
    while True:
        edges = [(None, 0, 0), *found, (None, len(output), len(output))]
        for index, ((before, _, before_end), (after, after_start, _)) in enumerate(zip(edges, edges[1:])):
            gap = output[before_end:after_start]
            if gap.strip() and _slot(segments, dominant, before, after) is None:
                movable = [i for i in (index, index - 1) if 0 <= i < len(found) and found[i][0].style != VERBATIM]
                if not movable:
                    continue
                dropped = found.pop(movable[0])
                lost_in.add(_sentence_at(ranges, _first_letter(text, dropped[0])))
                break
        else:
            return found


def split_across(translation: str, shares: list[int]) -> list[str]:
    """`translation` cut at word boundaries into len(shares) pieces, in proportion to `shares`
    (the source characters each cue held); a cue with a share gets a word when there are enough."""
    words = translation.split()
    total = sum(shares)
    if len(shares) == 1 or not words or total == 0:
        return [" ".join(words)] + [""] * (len(shares) - 1)
    sizes = [len(w) + 1 for w in words]
    length = sum(sizes)
    cuts, cumulative, position = [], 0, 0
    for share in shares[:-1]:
        cumulative += share
        goal = cumulative / total * length
        best = position
        running = sum(sizes[:position])
        while best < len(words) and abs(running + sizes[best] - goal) <= abs(running - goal):
            running += sizes[best]
            best += 1
        cuts.append(best)
        position = best
    cuts = _every_cue_a_word(cuts, shares, len(words))
    bounds = [0, *cuts, len(words)]
    return [" ".join(words[a:b]) for a, b in zip(bounds, bounds[1:])]


def _every_cue_a_word(cuts: list[int], shares: list[int], words: int) -> list[int]:
    """Cuts moved so that no cue with a share is left empty while another holds several words."""
    if words < sum(1 for s in shares if s):
        return cuts
    bounds = [0, *cuts, words]
    for index in range(1, len(bounds) - 1):
        bounds[index] = max(bounds[index], bounds[index - 1] + (1 if shares[index - 1] else 0))
    for index in range(len(bounds) - 2, 0, -1):
        bounds[index] = min(bounds[index], bounds[index + 1] - (1 if shares[index] else 0))
    return bounds[1:-1]


def wrapped(text: str, width: int = SUBTITLE_LINE) -> str:
    """A cue's text in lines of at most `width` characters: two balanced lines when it fits in
    two, more only when it does not."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    words = text.split(" ")
    best = None
    for cut in range(1, len(words)):
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        if len(first) <= width and len(second) <= width:
            balance = abs(len(first) - len(second))
            if best is None or balance < best[0]:
                best = (balance, f"{first}\n{second}")
    return best[1] if best else "\n".join(textwrap.wrap(text, width))
