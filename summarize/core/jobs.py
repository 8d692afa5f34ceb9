"""The front door: `submit(jobs)` runs `article` and `translate` jobs (core/records.py) and gives
each one's Result or error, for every surface (one document is a batch of one). Each step runs
for the documents of the same options at once, so the sentences of many documents share engine
calls (per source language), and the chunks of their summaries too, level by level; a document
that fails becomes its error, never the batch's. Each result carries the notes of its own run
(`metadata.notes`); under `strict`, a result whose fact check found anything is its error."""

from __future__ import annotations

import dataclasses
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from summarize.core.engines import Engines, chosen_chrf
from summarize.core.options import Options
from summarize.core.records import Aligned, Job, Result
from summarize.core.steps import (
    Languages,
    Summary,
    Timer,
    Translating,
    Translation,
    detect_languages,
    segment_by_language,
    summarize_together,
    translate_together,
)
from summarize.engines.base import Translated
from summarize.errors import InputError, SummarizeError, unexpected
from summarize.text import factcheck, names
from summarize.text.document import Document
from summarize.text.langdetect import release_models
from summarize.text.numbers import in_convention
from summarize.text.segment import split_sentences


@dataclass
class Work:
    """One document on its way through a job: what the steps made of it, its notes, and the
    error that stopped it."""

    doc: Document
    timer: Timer = field(default_factory=Timer)
    notes: list[str] = field(default_factory=list)
    languages: Languages | None = None
    paragraphs: list[list[str]] = field(default_factory=list)
    cut: int = 0
    error: SummarizeError | None = None
    result: Result | None = None
    #: Numbers of the output its source does not hold, and of the source the translation lost.
    fact_check: dict = field(default_factory=lambda: {"unsupported": [], "missing": [], "repaired": []})

    def note(self, *messages: str) -> None:
        for message in messages:
            if message not in self.notes:
                self.notes.append(message)

    def fail(self, error: SummarizeError) -> None:
        if self.error is None:
            self.error = error


def submit(jobs: list[Job], engines: Engines, progress: bool = False, stream=None) -> list[Result | SummarizeError]:
    """Each job's Result, or the error that stopped it, in order; jobs of the same task and
    options run together. `stream` gets a chat model's summary as it is generated (one job only)."""
    from summarize.text.factcheck import strict_refusal

    groups: dict[tuple[str, Options], list[int]] = {}
    for index, job in enumerate(jobs):
        groups.setdefault((job.task, job.options), []).append(index)
    outcomes: list[Result | SummarizeError | None] = [None] * len(jobs)
    for (task, options), indices in groups.items():
        documents = [jobs[i].document for i in indices]
        for index, outcome in zip(indices, run(documents, task, options, engines, progress, stream if len(jobs) == 1 else None)):
            refusal = strict_refusal(outcome.fact_check) if options.strict and isinstance(outcome, Result) else None
            outcomes[index] = refusal or outcome
    return outcomes


def run(
    documents: list[Document], task: str, options: Options, engines: Engines, progress: bool = False, stream=None
) -> list[Result | SummarizeError]:
    """Each document's Result, or the error that stopped it, in order. A fault of ours (an
    exception no input should cause) fails only the document that met it: the batch is run again
    a document at a time, and that one's error is an UnexpectedError."""
    try:
        return _run(documents, task, options, engines, progress, stream)
    except SummarizeError:
        raise
    except Exception as error:
        if len(documents) == 1:
            return [unexpected(error)]
        return [run([document], task, options, engines, progress)[0] for document in documents]


def _run(documents: list[Document], task: str, options: Options, engines: Engines, progress: bool, stream):
    works = [Work(document) for document in documents]
    for work in works:
        _prepare(work, options)
    if engines.one_shot:
        release_models()
    if task == "article" and options.brief and options.order != "translate-first":
        for work in works:
            work.fail(InputError("--brief cites the article's sentences through its translation: use --order translate-first"))
    live = [work for work in works if work.error is None]
    if task == "translate":
        _translate(live, options, engines, progress)
    elif options.order == "direct":
        _direct(live, options, engines, stream)
    elif options.order == "summarize-first":
        _summarize_first(live, options, engines)
    else:
        _translate_first(live, options, engines, progress, stream)
    return [work.error if work.error is not None else work.result for work in works]


def _prepare(work: Work, options: Options) -> None:
    """Detect the languages (the document's and each paragraph's) and split the sentences."""
    try:
        with work.timer.measure("detect"):
            work.languages = detect_languages(work.doc, options.source, options.target)
        work.note(*work.languages.notes)
        with work.timer.measure("segment"):
            work.paragraphs, work.cut = segment_by_language(work.doc, work.languages)
    except SummarizeError as error:
        work.fail(error)


@contextmanager
def _timed(works: list[Work], step: str):
    """The time of a step shared by `works`, added to each one's `step`."""
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - start
        for work in works:
            work.timer.steps[step] = round(work.timer.steps.get(step, 0.0) + seconds, 4)


def _translated(
    works: list[Work], paragraphs, options: Options, engines: Engines, progress: bool, alternatives: int = 0
) -> list[Translation | None]:
    """The translation step for `works`; `paragraphs(work)` gives each one's paragraphs and their
    languages. Runaway translations are said."""
    parts = [Translating(work, *paragraphs(work)) for work in works]
    with _timed(works, "translate"):
        translations = translate_together(parts, options.target, engines, progress, options.glossary, alternatives, options)
    for work, part, translation in zip(works, parts, translations):
        if translation is not None:
            _check_translation(work, translation, part.languages, options.target, options.glossary)
        low = sum(flag for paragraph in translation.low_confidence for flag in paragraph) if translation is not None else 0
        if low:
            work.note(
                f"{low} sentence(s) translated with low confidence, below the engine's threshold "
                "(alignment low_confidence; check them first)"
            )
        if translation is not None and translation.terms_missed:
            work.note(
                f"{len(translation.terms_missed)} glossary term(s) missing from the translation even after a retry "
                "(metadata glossary.missed)"
            )
        if translation is not None and translation.hit_length_bound:
            work.note(
                f"{translation.hit_length_bound} sentence(s) ran to the translation length bound or looped, "
                "even when decoded again without repeats; kept as they came (sentences_hit_length_bound)"
            )
    return translations


def _check_translation(work: Work, translation: Translation, languages: list[str], target: str, glossary) -> None:
    """Each sentence's numbers, dates and names against its source's, both ways (text/factcheck.py);
    names also against Apertium's rendering of the source where its pair is installed (a name
    Apertium writes for a source word is one the source says); words of the glossary's target
    terms need no source, and a capitalised common word is supported by what Apertium's
    dictionaries say it means where the source says that (looked up once for the document). A
    sentence a model translated that lost what its source says is translated again with it held
    (`_repair`); what is still found is said. `languages`: each translated paragraph's."""
    from summarize.core.dictionaries import meanings

    with work.timer.measure("check"):
        glossed = _glosses(translation, languages, target)
        rows = [
            (number, index, language)
            for number, language in enumerate(languages)
            if language != target  # kept as it was: nothing to check
            for index in range(len(translation.source[number]))
        ]
        given = {language: glossary.target_words(language, target) if glossary else frozenset() for *_, language in rows}
        for language in sorted({language for *_, language in rows}):
            said = [w for n, i, lang in rows if lang == language for w in factcheck.capitalised(translation.target[n][i])]
            meanings(said, target, language)

        def found_in(number: int, index: int, language: str, output: str) -> dict:
            gloss = tuple(rendering.texts[index] for rendering in glossed.get(number, ()))
            source = [(translation.source[number][index], language)]
            found = factcheck.check(output, target, source, True, glosses=gloss, dictionary=meanings)
            words = given[language]
            found["unsupported"] = [(span, kind) for span, kind in found["unsupported"] if not _in_glossary(span, kind, words)]
            return found

        findings = {(n, i): found_in(n, i, language, translation.target[n][i]) for n, i, language in rows}
        flagged = [row for row in rows if any(findings[row[:2]].values())]
        # Apertium's other routes only where they can change something: they support more names
        # of a flagged sentence, and the per-sentence choice weighs them.
        choosing = {engine.card.alias for engine in translation.translators if engine.card.choice}
        wanted = {n for n, *_ in flagged} | {n for n, i, _ in rows if translation.sentence_translators[n][i] in choosing}
        for number, others in _glosses(translation, languages, target, other_routes_for=wanted).items():
            glossed[number] = [*glossed.get(number, ()), *others]
        for number, index, language in flagged:
            findings[number, index] = found_in(number, index, language, translation.target[number][index])
        flagged = [row for row in flagged if any(findings[row[:2]].values())]
        _repair(work, translation, target, flagged, glossed, findings, found_in, glossary)
        _put_numbers_back(work, translation, target, flagged, glossed, findings, found_in, glossary)
        _translate_in_clauses(work, translation, target, flagged, glossed, findings, found_in, glossary, _adds_figures)
        _fall_back_to_apertium(work, translation, target, flagged, glossed, findings, found_in, glossary)
        _translate_in_clauses(work, translation, target, flagged, glossed, findings, found_in, glossary, _loses_figures)
        _choose_per_sentence(work, translation, target, rows, glossed, findings, found_in, glossary)
        for number, index, _ in rows:
            found, source, output = findings[number, index], translation.source[number][index], translation.target[number][index]
            work.fact_check["unsupported"] += _findings(found["unsupported"], output, "translation")
            work.fact_check["missing"] += [{"span": span, "sentence": source, "step": "translation"} for span in found["missing"]]
    _say_fact_check(work)


def _repair(
    work: Work, translation: Translation, target: str, flagged: list, glossed: dict, findings: dict, found_in, glossary
) -> None:
    """The `flagged` sentences (number, index, language) a model translated, translated again by
    the same engine with what their source says and they lost held as glossary terms
    (`factcheck.to_hold`), with the glossary's own terms of the sentence; a new translation is
    kept when the check finds less in it and it holds as many of the glossary's terms. Said, and
    listed in `fact_check.repaired`."""
    from summarize.engines.apertium import ApertiumTranslator
    from summarize.text.glossary import Term

    engines = {engine.card.alias: engine for engine in translation.translators if not isinstance(engine, ApertiumTranslator)}
    groups: dict[tuple[str, str], list[tuple[int, int, tuple]]] = {}
    for number, index, language in flagged:
        engine = engines.get(translation.sentence_translators[number][index])
        gloss = tuple(rendering.texts[index] for rendering in glossed.get(number, ()))
        source, output = translation.source[number][index], translation.target[number][index]
        held = factcheck.to_hold(source, language, output, target, gloss)
        if engine is not None and held:
            listed = _glossary_terms(source, language, target, glossary)
            terms = _longest_first([*listed, *(Term(words, written) for words, written in held)])
            groups.setdefault((language, engine.card.alias), []).append((number, index, terms, listed))
    repaired = 0
    for (language, alias), members in groups.items():
        terms = _longest_first(term for _, _, held, _ in members for term in held)
        try:
            sentences = [translation.source[n][i] for n, i, _, _ in members]
            again = engines[alias].translate_with_terms(sentences, language, target, terms)
        except SummarizeError:
            continue
        engine = engines[alias]
        for (number, index, _, listed), text, ran_away, score in zip(members, again.texts, again.ran_away, again.confidences):
            if ran_away:
                continue  # ran to its bound or looped: no repair
            text = in_convention(text, translation.source[number][index], language, target)[0]
            before, after = findings[number, index], found_in(number, index, language, text)
            if _better(text, after, translation.target[number][index], before, listed, target):
                _replace(work, translation, findings, (number, index), text, after, score, engine.confidence_threshold)
                repaired += 1
    if repaired:
        work.note(
            f"{repaired} translated sentence(s) lost or added numbers, dates or names; translated again with the "
            "source's held, and kept (metadata fact_check.repaired)"
        )


def _longest_first(terms) -> tuple:
    """Glossary terms once each, the longest source first (the longer wins where two overlap)."""
    return tuple(sorted(dict.fromkeys(terms), key=lambda term: -len(term.source)))


def _put_numbers_back(
    work: Work, translation: Translation, target: str, flagged: list, glossed: dict, findings: dict, found_in, glossary
) -> None:
    """Each `flagged` sentence (number, index, language) a model translated that, after `_repair`,
    still writes one number its source does not say and lost one its source does ("24,490" for
    "244890"), with the source's number written in the other's place; kept when the check
    finds less in it and it lacks no more of the glossary's terms. Said, and listed in
    `fact_check.repaired`."""
    by_apertium = _apertium_aliases(translation)
    put_back = 0
    for number, index, language in flagged:
        before, made_by = findings[number, index], translation.sentence_translators[number][index]
        wrong = [span for span, kind in before["unsupported"] if kind == "number"]
        if made_by is None or made_by in by_apertium or len(wrong) != 1:
            continue
        source, output = translation.source[number][index], translation.target[number][index]
        gloss = tuple(rendering.texts[index] for rendering in glossed.get(number, ()))
        lost = [
            written for words, written in factcheck.to_hold(source, language, output, target, gloss) if words in before["missing"]
        ]
        at = re.search(rf"(?<![\w.,]){re.escape(wrong[0])}(?!\w|[.,]\d)", output)
        if len(lost) != 1 or at is None:
            continue
        text = output[: at.start()] + lost[0] + output[at.end() :]
        after, listed = found_in(number, index, language, text), _glossary_terms(source, language, target, glossary)
        if _better(text, after, output, before, listed, target):
            score = translation.confidence[number][index] if translation.confidence else None
            threshold = next((e.confidence_threshold for e in translation.translators if e.card.alias == made_by), None)
            _replace(work, translation, findings, (number, index), text, after, score, threshold)
            put_back += 1
    if put_back:
        work.note(
            f"{put_back} translated sentence(s) wrote a number in place of their source's; the source's put back "
            "(metadata fact_check.repaired)"
        )


def _fall_back_to_apertium(
    work: Work, translation: Translation, target: str, flagged: list, glossed: dict, findings: dict, found_in, glossary
) -> None:
    """Each `flagged` sentence (number, index, language) a model translated that still loses or
    adds a number or a date after `_repair`, replaced by Apertium's translation of its source when
    the check finds less in that and it lacks no more of the glossary's terms: rather a plainer
    sentence than a wrong figure. Of the renderings `_glosses` made (one per installed route), the
    one the check finds least in, and of those the one that agrees most with the others and the
    model's (`choice.consensus`). Said, listed in `fact_check.repaired`, and Apertium named as
    the sentence's translator."""
    from summarize.engines.apertium import ApertiumTranslator
    from summarize.text.choice import consensus

    by_apertium = _apertium_aliases(translation)
    label = ApertiumTranslator.engine_name
    replaced = 0
    for number, index, language in flagged:
        before, made_by = findings[number, index], translation.sentence_translators[number][index]
        wrong_figures = before.get("missing") or any(kind in ("number", "date") for _, kind in before["unsupported"])
        if number not in glossed or made_by is None or made_by in by_apertium or not wrong_figures:
            continue
        source, output = translation.source[number][index], translation.target[number][index]
        texts = [in_convention(r.texts[index], source, language, target)[0] for r in glossed[number]]
        found = [found_in(number, index, language, text) for text in texts]
        pick = min(consensus(output, texts), key=lambda k: _found(found[k]))
        text, after, listed = texts[pick], found[pick], _glossary_terms(source, language, target, glossary)
        if _better(text, after, output, before, listed, target):
            # Apertium's rendering carries no confidence of its own here.
            _replace(work, translation, findings, (number, index), text, after, None, None, by=label)
            replaced += 1
    if replaced:
        work.note(
            f"{replaced} translated sentence(s) still lost or added numbers or dates after that; replaced by "
            "Apertium's translation, which keeps them (metadata fact_check.repaired, alignment translator)"
        )


#: Where a sentence is cut into clauses translated one by one: after a comma, semicolon or colon.
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")
#: The fewest words of a clause translated on its own; a shorter one joins the next.
CLAUSE_WORDS = 4
#: The fewest words of a clause cut in two.
LONG_CLAUSE_WORDS = 16


def _loses_figures(found: dict) -> bool:
    """Whether the check `found` a number or date of the source lost."""
    return bool(found["missing"])


def _adds_figures(found: dict) -> bool:
    """Whether the check `found` a number or date the source does not say, and nothing lost."""
    return not found["missing"] and any(kind in ("number", "date") for _, kind in found["unsupported"])


def _translate_in_clauses(
    work: Work,
    translation: Translation,
    target: str,
    flagged: list,
    glossed: dict,
    findings: dict,
    found_in,
    glossary,
    wanted,
) -> None:
    """Each `flagged` sentence (number, index, language) a model translated whose findings are
    `wanted` after the repairs before (`_adds_figures`, `_loses_figures`), translated again clause
    by clause by the same engine (cut after its commas, semicolons and colons; a clause of fewer
    than CLAUSE_WORDS words joins the next), the clauses joined as the source joins them: a small
    model drops a clause of a long sentence, or adds one, and keeps a short one whole. Where that
    still loses a number, once more with what the sentence lost held (`_repair`'s terms). Kept
    when the check finds less in it and it lacks no more of the glossary's terms; said, and listed
    in `fact_check.repaired`."""
    from summarize.engines.apertium import ApertiumTranslator
    from summarize.text.glossary import Term

    engines = {engine.card.alias: engine for engine in translation.translators if not isinstance(engine, ApertiumTranslator)}
    mended = 0
    for holding in (False, True):
        groups: dict[tuple[str, str], list[tuple[int, int, list[str], list]]] = {}
        for number, index, language in flagged:
            alias, source = translation.sentence_translators[number][index], translation.source[number][index]
            clauses = _clauses(source)
            if wanted(findings[number, index]) and alias in engines and len(clauses) > 1:
                gloss = tuple(rendering.texts[index] for rendering in glossed.get(number, ()))
                held = factcheck.to_hold(source, language, translation.target[number][index], target, gloss) if holding else []
                if holding and not held:
                    continue  # the same prompts as the first pass
                groups.setdefault((language, alias), []).append((number, index, clauses, [Term(*pair) for pair in held]))
        for (language, alias), members in groups.items():
            texts = [clause for _, _, clauses, _ in members for clause in clauses]
            terms = _longest_first(term for *_, held in members for term in held)
            try:
                done = engines[alias].translate_with_terms(texts, language, target, terms) if terms else None
                done = done or engines[alias].translate(texts, language, target)
            except SummarizeError:
                continue
            at = 0
            for number, index, clauses, _ in members:
                pieces, ran_away = done.texts[at : at + len(clauses)], any(done.ran_away[at : at + len(clauses)])
                at += len(clauses)
                source = translation.source[number][index]
                text = in_convention(_joined(pieces, clauses), source, language, target)[0]
                after, listed = found_in(number, index, language, text), _glossary_terms(source, language, target, glossary)
                before = translation.target[number][index], findings[number, index]
                if not ran_away and _better(text, after, *before, listed, target):
                    _replace(work, translation, findings, (number, index), text, after, None, None, how="clause by clause")
                    mended += 1
    if mended:
        work.note(
            f"{mended} translated sentence(s) still lost or added numbers or dates; translated again clause by clause, "
            "and kept (metadata fact_check.repaired)"
        )


def _clauses(sentence: str) -> list[str]:
    """`sentence` cut after its commas, semicolons and colons into clauses of CLAUSE_WORDS words
    or more (a shorter one joins the next; the last joins the one before)."""
    clauses: list[str] = []
    for piece in _CLAUSE_END.split(sentence):
        if clauses and len(clauses[-1].split()) < CLAUSE_WORDS:
            clauses[-1] += " " + piece
        else:
            clauses.append(piece)
    if len(clauses) > 1 and len(clauses[-1].split()) < CLAUSE_WORDS:
        clauses[-2:] = [clauses[-2] + " " + clauses[-1]]
    return [half for clause in clauses for half in _halves(clause)]


def _halves(clause: str) -> list[str]:
    """A clause of LONG_CLAUSE_WORDS words or more cut in two before the word in lower case
    nearest its middle; a shorter one whole."""
    words = clause.split()
    if len(words) < LONG_CLAUSE_WORDS:
        return [clause]
    middle = len(words) // 2
    cuts = [i for i in range(CLAUSE_WORDS, len(words) - CLAUSE_WORDS + 1) if words[i][:1].islower()]
    if not cuts:
        return [clause]
    cut = min(cuts, key=lambda i: abs(i - middle))
    return [" ".join(words[:cut]), " ".join(words[cut:])]


def _joined(pieces: list[str], clauses: list[str]) -> str:
    """Clauses translated one by one as one sentence: each ends with its source clause's last
    mark (a comma, the sentence's end), and one the source starts in lower case starts so."""
    joined = []
    for piece, clause in zip(pieces, clauses):
        piece = piece.strip().rstrip(" .,;:")
        if joined and clause[:1].islower():
            piece = piece[:1].lower() + piece[1:]
        joined.append(piece + (clause[-1] if clause[-1] in ",;:.!?" else ""))
    return " ".join(joined)


def _choose_per_sentence(
    work: Work, translation: Translation, target: str, rows: list, glossed: dict, findings: dict, found_in, glossary
) -> None:
    """Each sentence (of `rows`: number, index, language) a model translated whose card weighs a
    choice against Apertium (`choice`) and measured it on the pair, replaced by Apertium's
    rendering of its source (along the route the choice weighs, of every installed route) where
    the choice prefers that (text/choice.py: the two fail on different sentences), the check
    finds no more in it and it lacks no more of the glossary's terms. Said, and Apertium named as
    the sentence's translator."""
    from summarize.engines.apertium import ApertiumTranslator
    from summarize.text.choice import apertium_preferred, weighed, weighing

    choosing = {engine.card.alias: engine.card for engine in translation.translators if engine.card.choice}
    weighed_sentences = chosen = 0
    for number, index, language in rows:
        card = choosing.get(translation.sentence_translators[number][index])
        rendered = [r for r in glossed.get(number, ()) if r.confidences[index] is not None]
        confidence = translation.confidence[number][index] if card and rendered and translation.confidence else None
        weights = card.choice.get(weighing(len(rendered))) if confidence is not None else None
        if weights is None or chosen_chrf(card, language, target) is None:
            continue
        weighed_sentences += 1
        source, output = translation.source[number][index], translation.target[number][index]
        texts = [in_convention(r.texts[index], source, language, target)[0] for r in rendered]
        known = [r.confidences[index] for r in rendered]
        best, said = weighed(source, output, texts, confidence, known)
        if not apertium_preferred(weights, said):
            continue
        text = texts[best]
        after, listed = found_in(number, index, language, text), _glossary_terms(source, language, target, glossary)
        if _found(after) <= _found(findings[number, index]) and _keeps_terms(text, output, listed, target):
            _put(translation, findings, (number, index), text, after, known[best], ApertiumTranslator.confidence_threshold)
            translation.sentence_translators[number][index] = ApertiumTranslator.engine_name
            chosen += 1
    if chosen:
        work.note(
            f"{chosen} of {weighed_sentences} translated sentence(s) are Apertium's, which the per-sentence choice "
            "preferred to the model's (alignment translator)"
        )


def _replace(
    work: Work,
    translation: Translation,
    findings: dict,
    at: tuple[int, int],
    text: str,
    found: dict,
    score,
    threshold,
    by=None,
    how=None,
) -> None:
    """Sentence `at` (paragraph, index) replaced by `text` (`_put`), listed in `fact_check.repaired`
    (with `how`, where it is not the held retry), and `by`, another translator than the
    sentence's, named there and in the alignment."""
    number, index = at
    entry = {"sentence": translation.target[number][index], "replacement": text, "step": "translation"}
    entry |= {"by": by} if by else {}
    entry |= {"how": how} if how else {}
    work.fact_check["repaired"].append(entry)
    _put(translation, findings, at, text, found, score, threshold)
    if by:
        translation.sentence_translators[number][index] = by


def _put(translation: Translation, findings: dict, at: tuple[int, int], text: str, found: dict, score, threshold) -> None:
    """Sentence `at` (paragraph, index) is now `text`, with what the check `found` in it and its
    confidence (`score`, flagged below `threshold`)."""
    number, index = at
    translation.target[number][index], findings[at] = text, found
    if translation.confidence:
        translation.confidence[number][index] = score
        translation.low_confidence[number][index] = score is not None and threshold is not None and score < threshold


def _better(new: str, new_findings: dict, old: str, old_findings: dict, terms: list, target: str) -> bool:
    """Whether the check finds less in a sentence's `new` translation than in its `old` one, and
    `new` lacks no more of the glossary's `terms`."""
    return _found(new_findings) < _found(old_findings) and _keeps_terms(new, old, terms, target)


def _found(findings: dict) -> int:
    return sum(map(len, findings.values()))


def _keeps_terms(new: str, old: str, terms: list, target: str) -> bool:
    """Whether `new` lacks no more of the glossary's `terms` than `old`."""
    from summarize.text.glossary import missing

    return len(missing(new, terms, target)) <= len(missing(old, terms, target))


def _glossary_terms(source: str, language: str, target: str, glossary) -> list:
    """The glossary's terms the source sentence says (none without a glossary)."""
    from summarize.text.glossary import found_in

    return [term for term, _ in found_in(source, glossary.for_pair(language, target))] if glossary else []


def _glosses(
    translation: Translation, languages: list[str], target: str, other_routes_for: set[int] | None = None
) -> dict[int, list[Translated]]:
    """Apertium's renderings of each translated paragraph (texts and confidences), by paragraph
    number, one call per source language and route: along its best route (a paragraph Apertium
    translated is its own rendering), or, for the paragraphs `other_routes_for` names (and only
    those Apertium did not translate), along each other installed route, in their order."""
    from summarize.engines.apertium import glosses

    apertium = _apertium_aliases(translation)
    by_language: dict[str, list[int]] = {}
    rendered: dict[int, list[Translated]] = {}
    for number, (language, made_by) in enumerate(zip(languages, translation.sentence_translators)):
        if other_routes_for is not None and number not in other_routes_for:
            continue
        if made_by and all(alias in apertium for alias in made_by):
            if other_routes_for is not None:
                continue
            own = translation.confidence[number] if translation.confidence else []
            rendered[number] = [Translated(translation.target[number], confidences=own)]
        elif language != target:
            by_language.setdefault(language, []).append(number)
    for language, numbers in by_language.items():
        sentences = [sentence for number in numbers for sentence in translation.source[number]]
        done = glosses(sentences, language, target, slice(1, None) if other_routes_for is not None else slice(1))
        start = 0
        for number in numbers if done else ():
            end = start + len(translation.source[number])
            rendered[number] = [Translated(d.texts[start:end], confidences=d.confidences[start:end]) for d in done]
            start = end
    return rendered


def _apertium_aliases(translation: Translation) -> set[str]:
    """The names the sentences Apertium made carry: its engines' aliases, and its own name where
    `--optimize-for latency` gave it sentences."""
    from summarize.engines.apertium import ApertiumTranslator

    engines = {engine.card.alias for engine in translation.translators if isinstance(engine, ApertiumTranslator)}
    return engines | ({ApertiumTranslator.engine_name} if translation.apertium_unasked else set())


def _in_glossary(span: str, kind: str, words: frozenset[str]) -> bool:
    """A name or quote made only of words of glossary target terms."""
    return kind in ("name", "quote") and bool(words) and all(word in words for word in span.casefold().split())


def _check_summary(work: Work, summary: str, written_in: str, besides: list[tuple[str, str]]) -> None:
    """The summary's spans (a summary written in `written_in`) against the document and the
    texts `besides` it, (text, language) pairs."""
    work.fact_check["unsupported"] += _findings(_unsupported(work, summary, written_in, besides), summary, "summary")
    _say_fact_check(work)


def _unsupported(work: Work, summary: str, written_in: str, besides: list[tuple[str, str]]) -> list[tuple[str, str]]:
    sources = [(paragraph, language) for paragraph, language in zip(work.doc.paragraphs, work.languages.paragraphs)]
    from summarize.core.dictionaries import meanings

    return factcheck.check(summary, written_in, [*sources, *besides], both_ways=False, dictionary=meanings)["unsupported"]


def _translated_text(translation: Translation, target: str) -> list[tuple[str, str]]:
    """A translation's paragraphs as sources a summary of it is checked against."""
    return [(" ".join(paragraph), target) for paragraph in translation.target]


def _revised(work: Work, summary: Summary, summarizer, options: Options, besides: list, language: str, into=None):
    """A summary whose fact check finds spans (against the document and `besides`), asked again
    once of a summariser that `revises`, the spans named; the new one kept when it holds fewer."""
    written_in = into or language
    found = _unsupported(work, summary.text, written_in, besides) if summarizer.revises else []
    if not found:
        return summary
    spans = [span for span, _ in found]
    try:
        text = summarizer.revise(summary.passage, options.length, language, into, spans)
    except SummarizeError:
        return summary
    again = _unsupported(work, text, written_in, besides) if text.strip() else found
    kept = len(again) < len(found)
    work.note(
        f"the summary named {len(found)} span(s) its source does not hold; asked again with them named, "
        + ("the new summary, with fewer, is kept" if kept else "the first summary is kept (the new one had as many)")
    )
    return dataclasses.replace(summary, text=text, model_calls=summary.model_calls + 1) if kept else summary


def _repaired(work: Work, summary: Summary, summarizer, options: Options, besides: list, language: str, into=None):
    """A summary revised (`_revised`), then each sentence in which the check still finds a span
    its source lacks replaced by the sentence of the document (or of its translation) in the
    summary's language with the most words in common; said, and listed in `fact_check.repaired`."""
    summary = _revised(work, summary, summarizer, options, besides, language, into)
    written_in = into or language
    skip = 1 if work.doc.has_headline else 0
    candidates = [s for p, lang in list(zip(work.paragraphs, work.languages.paragraphs))[skip:] if lang == written_in for s in p]
    candidates += [s for text, lang in besides[skip:] if lang == written_in for s in split_sentences(text, lang)]
    if not candidates or not _unsupported(work, summary.text, written_in, besides):
        return summary
    kept: list[str] = []
    for sentence in split_sentences(summary.text, written_in):
        found = _unsupported(work, sentence, written_in, besides)
        if not found:
            kept.append(sentence)
            continue
        words = set(names.words(sentence))
        closest = max(candidates, key=lambda candidate: len(words & set(names.words(candidate))))
        work.fact_check["repaired"].append(
            {"sentence": sentence, "spans": [span for span, _ in found], "replacement": closest, "step": "summary"}
        )
        if closest not in kept:
            kept.append(closest)
    work.note(
        f"{len(work.fact_check['repaired'])} summary sentence(s) still held spans the document does not; each replaced "
        "by the document's sentence closest to it (metadata fact_check.repaired)"
    )
    return dataclasses.replace(summary, text=" ".join(kept))


def _findings(spans: list[tuple[str, str]], sentence: str, step: str) -> list[dict]:
    return [{"span": span, "kind": kind, "sentence": sentence, "step": step} for span, kind in spans]


def _say_fact_check(work: Work) -> None:
    unsupported, missing = len(work.fact_check["unsupported"]), len(work.fact_check["missing"])
    if unsupported or missing:
        work.note(
            f"fact check: {unsupported} span(s) of the output (numbers, dates, names, quotes) not in its source, "
            f"{missing} number(s) of the source lost in translation (metadata fact_check)"
        )


def _summarizer(works: list[Work], engines: Engines, language: str):
    """The summariser of `language` for `works` (its notes theirs); None when it cannot be had."""
    with _timed(works, "load"):
        try:
            choice = engines.summarizer(language)
        except SummarizeError as error:
            for work in works:
                work.fail(error)
            return None
    for work in works:
        work.note(*choice.notes)
    return choice.engine


def _by_source(works: list[Work]) -> dict[str, list[Work]]:
    groups: dict[str, list[Work]] = {}
    for work in works:
        groups.setdefault(work.languages.source, []).append(work)
    return groups


def _body(work: Work, paragraphs: list[list[str]]) -> list[str]:
    """The sentences summarised: a headline is translated, and names the summary, but is not
    summarised with the body."""
    return [s for p in paragraphs[1 if work.doc.has_headline else 0 :] for s in p]


def _translate(works: list[Work], options: Options, engines: Engines, progress: bool) -> None:
    paragraphs = lambda w: (w.paragraphs, w.languages.paragraphs)  # noqa: E731
    translations = _translated(works, paragraphs, options, engines, progress, options.alternatives)
    for work, translation in zip(works, translations):
        if translation is None:
            continue
        t = translation
        rows = zip(t.source, t.target, t.confidence, t.low_confidence, t.sentence_translators)
        alignment = [
            Aligned(i, s, t, c, low, made_by)
            for i, (src_p, tgt_p, conf_p, low_p, by_p) in enumerate(rows)
            for s, t, c, low, made_by in zip(src_p, tgt_p, conf_p, low_p, by_p)
        ]
        metadata = {
            **_metadata_head(work, options, translation.translators),
            "counts": _translation_counts(work, translation),
            "glossary": _glossary(options, translation),
            "fact_check": work.fact_check,
            "timings_s": work.timer.steps,
            "notes": work.notes,
        }
        paragraphs_out = [" ".join(p) for p in translation.target]
        work.result = Result("translate", metadata, paragraphs_out, alignment, translation.alternatives, options.alternatives)


def _translate_first(works: list[Work], options: Options, engines: Engines, progress: bool, stream) -> None:
    translations = _translated(works, lambda w: (w.paragraphs, w.languages.paragraphs), options, engines, progress)
    done = [(w, t) for w, t in zip(works, translations) if t is not None]
    summarizer = _summarizer([w for w, _ in done], engines, options.target) if done else None
    if summarizer is None:
        return
    with _timed([w for w, _ in done], "summarize"):
        parts = [(work, _body(work, translation.target)) for work, translation in done]
        summaries = summarize_together(parts, summarizer, options.length, options.target, stream=stream)
    for (work, translation), summary in zip(done, summaries):
        if summary is not None:
            translated = _translated_text(translation, options.target)
            summary = _repaired(work, summary, summarizer, options, translated, options.target)
            _check_summary(work, summary.text, options.target, translated)
            headline = " ".join(translation.target[0]) if work.doc.has_headline else None
            _article_result(work, options, summary.text, headline, translation, translation.translators, summarizer, summary)
            if options.brief:
                from summarize.text.brief import build

                languages = (work.languages.source, options.target)
                work.result.brief = build(translation.source, translation.target, languages, summary.text, headline)


def _summarize_first(works: list[Work], options: Options, engines: Engines) -> None:
    for source, group in _by_source(works).items():
        summarizer = _summarizer_for_order(
            group, engines, source, lambda s, source=source: _refused_for_summarize_first(s, source)
        )
        if summarizer is None:
            continue
        with _timed(group, "summarize"):
            summaries = summarize_together([(w, _body(w, w.paragraphs)) for w in group], summarizer, options.length, source)
        done = []
        for work, summary in zip(group, summaries):
            if summary is not None:
                # The summary is checked (and revised) in its own language against the document;
                # its translation, sentence by sentence against it, by the translation step.
                summary = _repaired(work, summary, summarizer, options, [], source)
                _check_summary(work, summary.text, source, [])
                done.append((work, summary))

        summary_of = {id(work): summary for work, summary in done}
        translations = _translated(
            [w for w, _ in done],
            lambda w, s=source, of=summary_of: _summary_paragraphs(w, of[id(w)], s),
            options,
            engines,
            progress=False,
        )
        for (work, summary), translation in zip(done, translations):
            if translation is None:
                continue
            headline = " ".join(translation.target[0]) if work.doc.has_headline else None
            text = " ".join(translation.target[-1])
            _article_result(work, options, text, headline, translation, translation.translators, summarizer, summary)


def _summarizer_for_order(group: list[Work], engines: Engines, source: str, refusal):
    """The summariser of `source` for `group`, unless `refusal(summarizer)` says why the order
    cannot use it (then every work of the group fails with that); None when there is none."""
    summarizer = _summarizer(group, engines, source)
    problem = refusal(summarizer) if summarizer is not None else None
    if problem:
        for work in group:
            work.fail(SummarizeError(problem))
        return None
    return summarizer


def _refused_for_summarize_first(summarizer, source: str) -> str | None:
    if summarizer.language_preserving or source == "en":
        return None
    return (
        f"--order summarize-first needs a summariser that writes {source}; "
        f"'{summarizer.card.alias}' writes English (try a chat model, --summarizer gemma-3-270m)"
    )


def _refused_for_direct(summarizer, source: str, options: Options) -> str | None:
    if summarizer.writes_other_languages:
        return None
    return (
        f"--order direct needs a chat model as summariser, which reads {source} and writes {options.target} "
        f"in one call; '{summarizer.card.alias}' is not one (try --summarizer qwen2.5-1.5b-instruct)"
    )


def _summary_paragraphs(work: Work, summary: Summary, source: str) -> tuple[list[list[str]], list[str]]:
    """What summarize-first translates: the headline, if any, and the summary's sentences."""
    headline = work.paragraphs[:1] if work.doc.has_headline else []
    paragraphs = [*headline, split_sentences(summary.text, source)]
    return paragraphs, [source] * len(paragraphs)


def _direct(works: list[Work], options: Options, engines: Engines, stream) -> None:
    for source, group in _by_source(works).items():
        summarizer = _summarizer_for_order(
            group, engines, source, lambda s, source=source: _refused_for_direct(s, source, options)
        )
        if summarizer is None:
            continue
        with _timed(group, "summarize"):
            parts = [(w, _body(w, w.paragraphs)) for w in group]
            summaries = summarize_together(parts, summarizer, options.length, source, options.target, stream)
        for work, summary in zip(group, summaries):
            if summary is not None:
                translation = Translation(work.paragraphs, work.paragraphs)
                besides = _translated_text(translation, options.target)
                # No sentence in the summary's language is at hand to replace one: revised only.
                summary = _revised(work, summary, summarizer, options, besides, source, options.target)
                _check_summary(work, summary.text, options.target, besides)
                _article_result(work, options, summary.text, None, translation, [summarizer], summarizer, summary)


def _metadata_head(work: Work, options: Options, translators: list) -> dict:
    from summarize.engines.base import IdentityTranslator

    used = translators or [IdentityTranslator()]
    return {
        "source": work.doc.origin,
        "languages": work.languages.describe(options.target),
        "translator": used[0].describe(),
        "translators": [t.describe() for t in used],
    }


def _translation_counts(work: Work, translation: Translation) -> dict:
    return {
        "paragraphs": len(work.paragraphs),
        "sentences": sum(len(p) for p in work.paragraphs),
        "sentences_cut_at_length": work.cut,
        "sentences_split_for_translation": translation.split_sentences,
        "paragraphs_left_untranslated": translation.untranslated_paragraphs,
        "sentences_hit_length_bound": translation.hit_length_bound,
        "sentences_retranslated_alone": translation.retranslated_alone,
        "numbers_in_target_convention": translation.numbers_in_target_convention,
        "sentences_low_confidence": sum(flag for paragraph in translation.low_confidence for flag in paragraph),
        "sentences_apertium_unasked": translation.apertium_unasked,
        "terms_applied": translation.terms_applied,
        "terms_missed": len(translation.terms_missed),
    }


def _glossary(options: Options, translation: Translation) -> dict | None:
    """The glossary used and the terms the translation lacks, each with its source sentence."""
    if options.glossary is None:
        return None
    missed = [{**term.describe(), "sentence": sentence} for term, sentence in translation.terms_missed]
    return {**options.glossary.describe(), "missed": missed}


def _article_result(
    work: Work,
    options: Options,
    text: str,
    headline: str | None,
    translation: Translation,
    translators: list,
    summarizer,
    summary: Summary,
) -> None:
    work.result = Result(
        "article",
        summary=text,
        headline=headline,
        metadata={
            **_metadata_head(work, options, translators),
            "order": options.order,
            "length": options.length,
            "summarizer": summarizer.describe(),
            "counts": {
                **_translation_counts(work, translation),
                "sentences_split_for_summary": summary.split_sentences,
                "chunks_per_level": summary.chunks_per_level,
                "summary_model_calls": summary.model_calls,
            },
            "glossary": _glossary(options, translation),
            "fact_check": work.fact_check,
            "timings_s": work.timer.steps,
            "notes": work.notes,
        },
    )
