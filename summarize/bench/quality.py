"""Quality metrics with their signatures: sacrebleu BLEU, chrF, chrF++; rouge-score ROUGE."""

from __future__ import annotations

import re

from summarize.text.segment import split_sentences

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def translation_scores(hypotheses: list[str], references: list[str]) -> dict:
    """Corpus BLEU, chrF and chrF++ (sacrebleu defaults), each with its signature."""
    from sacrebleu.metrics import BLEU, CHRF

    scores = {}
    for name, metric in (("BLEU", BLEU()), ("chrF", CHRF()), ("chrF++", CHRF(word_order=2))):
        result = metric.corpus_score(hypotheses, [references])
        scores[name] = {"score": round(result.score, 4), "signature": str(metric.get_signature())}
    return scores


def sentence_chrf(hypothesis: str, reference: str) -> float:
    from sacrebleu.metrics import CHRF

    return round(CHRF().sentence_score(hypothesis, [reference]).score, 4)


class AccentTokenizer:
    """rouge-score tokenizer that keeps accented letters (its default keeps [a-z0-9] only).

    Lower-cases, splits on non-letters and non-digits, and applies the Porter stemmer to
    English words of more than three letters, as rouge-score's own tokenizer does."""

    def __init__(self, stem: bool):
        from nltk.stem import porter

        self.stemmer = porter.PorterStemmer() if stem else None

    def tokenize(self, text: str) -> list[str]:
        tokens = _TOKEN.findall(text.lower())
        if self.stemmer is None:
            return tokens
        return [self.stemmer.stem(t) if len(t) > 3 else t for t in tokens]


ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")


def rouge_scorer(language: str):
    from rouge_score import rouge_scorer as scorer_module

    return scorer_module.RougeScorer(list(ROUGE_TYPES), tokenizer=AccentTokenizer(stem=language == "en"))


def lsum_lines(text: str, language: str) -> str:
    """One sentence per line, as ROUGE-Lsum expects."""
    return "\n".join(split_sentences(text, language))


def rouge_item(scorer, hypothesis: str, reference: str, language: str) -> dict[str, float]:
    scores = scorer.score(lsum_lines(reference, language), lsum_lines(hypothesis, language))
    return {name: round(100 * scores[name].fmeasure, 4) for name in ROUGE_TYPES}


def rouge_signature(language: str) -> str:
    from importlib.metadata import version

    stem = "porter" if language == "en" else "none"
    return (
        f"rouge-score:{version('rouge-score')}|tok:unicode-letters-digits|lower:yes|stem:{stem}|lsum:sentence-lines|fmeasure|mean"
    )


def optional_metrics() -> dict[str, str]:
    """COMET and BERTScore are not computed: say so, and why, in every report."""
    return {
        "COMET": "skipped: not computed by this version (it needs the Unbabel/wmt22-comet-da weights)",
        "BERTScore": "skipped: not computed by this version (it needs a RoBERTa-large checkpoint)",
    }
