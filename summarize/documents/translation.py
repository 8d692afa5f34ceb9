"""A document translated in its own format: its units' text through a `translate` job (whole
sentences, never cut at a formatting run), the formatted spans translated alone to find them
again, and the translation placed back into the file."""

from __future__ import annotations

from summarize.documents.base import VERBATIM, DocumentFile
from summarize.documents.placing import (
    MOST_SPANS,
    dominant_style,
    flat,
    locate,
    over_span_bound,
    project,
    segments_of,
    sent_text,
    split_across,
    wrapped,
)
from summarize.errors import InputError
from summarize.text.document import Document, has_letters

#: What a span's translation asks besides its language: the fact check and alternatives are the
#: document's, not its spans'.
SPAN_OPTIONS = {"strict": False, "alternatives": 0}


def translate_document(document: DocumentFile, pipeline, file_format: str) -> tuple[bytes, dict]:
    """`translation_steps` answered by a Pipeline: the translated file and its result; the notes
    said."""
    steps = translation_steps(document, file_format)
    asked = next(steps)
    while True:
        text, changes = asked
        try:
            asked = steps.send(pipeline.varied(**changes).translate(text))
        except StopIteration as finished:
            data, result = finished.value
            pipeline.say(result["metadata"]["notes"])
            return data, result


def translation_steps(document: DocumentFile, file_format: str):
    """The translation of a document file, as steps that ask for translations: each `yield` is a
    text to translate (a Document) and the options that differ from the job's (a dict); what is
    sent back is its `translate` record. Returns the translated file and the `translate` result
    of its text, with `metadata.document`: the units per kind and the inline formatting kept or
    lost. Any surface answers the asks its own way (a Pipeline, the service's jobs)."""
    groups = paragraph_groups(document)
    if not groups:
        raise InputError(f"{document.origin}: no text to translate")
    wanted = [index for group in groups for index in group]
    paragraphs = [" ".join(sent_text(document.units[i]).strip() for i in group) for group in groups]
    result = yield Document(tuple(paragraphs), document.origin), {}
    sentences: list[list[tuple[str, str]]] = [[] for _ in paragraphs]
    for row in result["alignment"]:
        sentences[row["paragraph"]].append((row["source"], row["translation"]))
    texts = [list(unit.texts) for unit in document.units]
    formatting = {
        "inline_formatting_kept": 0,
        "inline_formatting_lost": 0,
        "sentences_lost_inline_formatting": 0,
        "units_over_span_bound": 0,
    }
    if document.flowing:
        for group, paragraph, said in zip(groups, paragraphs, sentences):
            for index, cue_text in zip(group, _across_cues(document, group, paragraph, said)):
                texts[index] = [wrapped(cue_text)]
        formatting["inline_formatting_lost"] = document.formatting_dropped
    else:
        spans = _spans(document, wanted)
        if spans:
            language = result["metadata"]["languages"]["source"]
            done = yield Document(tuple(spans), document.origin), {"source": language, **SPAN_OPTIONS}
            spans = dict(zip(spans, done["paragraphs"]))
        for index, said in zip(wanted, sentences):
            placed = project(document.units[index], said, spans)
            texts[index] = placed.texts
            formatting["inline_formatting_kept"] += placed.kept
            formatting["inline_formatting_lost"] += placed.lost
            formatting["sentences_lost_inline_formatting"] += placed.sentences_lost
            formatting["units_over_span_bound"] += placed.over_bound
    metadata = result["metadata"]
    metadata["document"] = {"format": file_format, "units": document.counts(), "units_translated": len(wanted), **formatting}
    message = _formatting_note(formatting, document.flowing)
    if message:
        metadata["notes"].append(message)
    document.language = metadata["languages"]["target"]
    return document.rebuilt(texts), result


def _formatting_note(formatting: dict, flowing: bool) -> str | None:
    lost = formatting["inline_formatting_lost"]
    if flowing and lost:
        return f"{lost} cue(s) had inline tags (italics, colours), which the translated cues do not carry"
    if not lost:
        return None
    said = (
        f"{lost} formatted span(s) in {formatting['sentences_lost_inline_formatting']} sentence(s) lost their inline "
        "formatting (bold, italics, links): not found in the translation, they take their paragraph's main formatting"
    )
    over = formatting["units_over_span_bound"]
    if over:
        said += f"; {over} unit(s) held over {MOST_SPANS} formatted spans, whose spans were not looked for (the bound)"
    return said


def _spans(document: DocumentFile, wanted: list[int]) -> list[str]:
    """The formatted spans' texts, each translated alone to be found in its sentence's translation."""
    spans: dict[str, None] = {}
    for index in wanted:
        unit = document.units[index]
        segments = segments_of(unit)
        dominant = dominant_style(unit, segments)
        if over_span_bound(segments, dominant):
            continue
        text = flat(unit.text)
        for segment in segments:
            span = text[segment.start : segment.end].strip(" .,;:!?¡¿\"'«»“”‘’()")
            if segment.style not in (dominant, VERBATIM) and has_letters(span):
                spans[span] = None
    return list(spans)


def paragraph_groups(document: DocumentFile) -> list[list[int]]:
    """The units translated together as one paragraph: each unit that holds a letter, or for
    cues, consecutive cues up to one that ends a sentence (the flow a sentence can span)."""
    wanted = [index for index, unit in enumerate(document.units) if has_letters(sent_text(unit))]
    if not document.flowing:
        return [[index] for index in wanted]
    groups: list[list[int]] = [[]]
    for index in wanted:
        groups[-1].append(index)
        if document.units[index].text.rstrip().rstrip("\"'”’»)]").endswith((".", "!", "?", "…")):
            groups.append([])
    return [group for group in groups if group]


def _across_cues(document: DocumentFile, group: list[int], paragraph: str, sentences: list[tuple[str, str]]) -> list[str]:
    """Each cue's share of the translated sentences: a sentence spanning cues is split across them
    in proportion to the characters each held."""
    bounds, offset = [], 0
    for index in group:
        length = len(sent_text(document.units[index]).strip())
        bounds.append((offset, offset + length))
        offset += length + 1
    cues: list[list[str]] = [[] for _ in group]
    for (start, end), (_, translation) in zip(locate([s for s, _ in sentences], paragraph), sentences):
        shares = [max(0, min(end, b) - max(start, a)) for a, b in bounds]
        spanned = [k for k, share in enumerate(shares) if share]
        pieces = split_across(translation, [shares[k] for k in spanned]) if spanned else []
        for cue, piece in zip(spanned, pieces):
            if piece:
                cues[cue].append(piece)
    return [" ".join(pieces) for pieces in cues]
