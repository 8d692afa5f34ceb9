"""Decoder-only chat models (engines/chat.py) on tiny Qwen2 and Llama models built offline,
loaded through the real path: equal to a direct `generate`, batched equal to one by one,
CTranslate2 float32 equal to transformers, sentence alignment repaired, `--order direct`,
streaming, and the shipped chat cards."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarize.catalog.cards import load_cards, parse_card
from summarize.cli import cli
from summarize.core.engines import Engines
from summarize.core.options import Options
from summarize.core.pipeline import Pipeline
from summarize.engines.chat import ANSWER_OFFSET, DEFAULT_PROMPTS, TOKENS_PER_SENTENCE, Answer
from summarize.errors import CardError, EngineUnavailableError
from tests.corpus import SPANISH
from tests.tiny_models import CHAT_ARCHITECTURES

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "noticia-valencia.es.txt"


def summarizer(folder: Path, engine: str = "transformers"):
    return Engines(Options(summarizer=str(folder), engine=engine, device="cpu")).summarizer("es").engine


def translator(folder: Path):
    return Engines(Options(translator=str(folder))).translator("es", "en").engine


@pytest.mark.parametrize("arch", CHAT_ARCHITECTURES)
def test_engine_output_equals_a_direct_generate_with_the_same_prompt(tiny_chat_models, arch):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = tiny_chat_models[arch]
    got = summarizer(folder).summarize_batch([SPANISH[:2]], "short", "es")[0]
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder)
    prompt = DEFAULT_PROMPTS["summarize"].format(text=" ".join(SPANISH[:2]), language="Spanish", length="in one sentence")
    inputs = tokenizer.apply_chat_template(
        [{"role": "user", "content": prompt}], add_generation_prompt=True, return_dict=True, return_tensors="pt"
    )
    output = model.generate(**inputs, max_new_tokens=TOKENS_PER_SENTENCE + ANSWER_OFFSET, do_sample=False)
    expected = tokenizer.decode(output[0, inputs["input_ids"].shape[1] :], skip_special_tokens=True).strip()
    assert got == expected and got


@pytest.mark.parametrize("arch", CHAT_ARCHITECTURES)
def test_batched_equals_one_by_one(tiny_chat_models, arch):
    engine = summarizer(tiny_chat_models[arch])
    prompts = []
    complete = engine.model.complete
    engine.model.complete = lambda asked, *rest: prompts.extend(asked) or complete(asked, *rest)
    passages = [SPANISH[:1], SPANISH[2:5], SPANISH[6:8]]
    together = engine.summarize_batch(passages, "medium", "es")
    assert together == [engine.summarize_batch([p], "medium", "es")[0] for p in passages]
    assert len(prompts) == 6 and prompts[:3] == prompts[3:]


@pytest.mark.parametrize("arch", CHAT_ARCHITECTURES)
def test_ctranslate2_float32_equals_transformers_greedy(tiny_chat_models, arch):
    from summarize.catalog.cards import resolve
    from summarize.catalog.conversions import convert

    folder = tiny_chat_models[arch]
    converted = convert(resolve(str(folder), "summarization"), "float32", runtime="ctranslate2")
    fast = summarizer(converted, "auto")
    assert fast.describe()["engine"] == "ctranslate2" and fast.describe()["quantization"] == "float32"
    passages = [SPANISH[:2], SPANISH[3:4]]
    assert fast.summarize_batch(passages, "short", "es") == summarizer(folder).summarize_batch(passages, "short", "es")


class _Merging:
    """A chat model that merges the first two sentences of every group, then answers alone ones well."""

    def __init__(self, model):
        self.model = model
        self.calls = 0

    def __getattr__(self, name):
        return getattr(self.model, name)

    def answers(self, prompts, max_new_tokens, stream=None, retry=False, holding=None):
        """Counted, but for the fact check's repair (`holding`: a sentence that lost a number)."""
        answers = []
        for prompt in prompts:
            sentences = re.findall(r"^(\d+)\. (.*)$", prompt, re.MULTILINE)
            if len(sentences) > 1:
                merged = f"1. {sentences[0][1]} {sentences[1][1]}".upper()
                answers.append(
                    "\n".join([merged, *(f"{n - 1}. {s.upper()}" for n, s in ((int(n), s) for n, s in sentences[2:]))])
                )
            else:
                answers.append(f"1. {sentences[0][1].upper()}")
        self.calls += len(prompts) if holding is None else 0
        return [Answer(answer, False) for answer in answers]


def test_a_group_that_comes_back_merged_is_retranslated_a_sentence_at_a_time(tiny_chat_models):
    merging = translator(tiny_chat_models["qwen2"])
    merging.model = _Merging(merging.model)
    text = " ".join(SPANISH[:3]) + "\n\n" + SPANISH[3]
    engines = Engines(given={("translation", "es", "en"): merging})
    result = Pipeline(to="en", source="es", engines=engines).translate(text)
    expected = [s.upper() for s in SPANISH[:4]]
    # "TRES" is no number the English check reads: the fact check's repair holds the source's 3.
    expected[1] = expected[1].replace("TRES", "3")
    assert [row["translation"] for row in result["alignment"]] == expected
    # The first paragraph's group of three came back merged; the second paragraph's one sentence did not.
    assert result["metadata"]["counts"]["sentences_retranslated_alone"] == 3
    assert merging.model.calls == 2 + 3


def test_a_group_that_comes_back_whole_is_kept(tiny_chat_models):
    faithful_translator = translator(tiny_chat_models["llama"])

    class Faithful(_Merging):
        def answers(self, prompts, max_new_tokens, stream=None, retry=False):
            self.calls += len(prompts)
            numbered = [re.findall(r"^(\d+)\. (.*)$", p, re.MULTILINE) for p in prompts]
            return [Answer("\n".join(f"{n}. {s[::-1]}" for n, s in found), False) for found in numbered]

    faithful_translator.model = Faithful(faithful_translator.model)
    done = faithful_translator.translate(SPANISH[:3], "es", "en")
    assert done.texts == [s[::-1] for s in SPANISH[:3]]
    assert done.realigned == [False, False, False] and faithful_translator.model.calls == 1


def test_translate_tsv_keeps_one_line_per_source_sentence(tiny_chat_models):
    text = " ".join(SPANISH[:4]) + "\n\n" + " ".join(SPANISH[4:6])
    result = CliRunner().invoke(
        cli, ["translate", "--text", text, "--from", "es", "--model", str(tiny_chat_models["qwen2"]), "--format", "tsv", "-q"]
    )
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.rstrip("\n").split("\n")]
    assert [row[1] for row in rows] == SPANISH[:6] and [row[0] for row in rows] == ["0"] * 4 + ["1"] * 2
    # The fourth column, the confidence, is empty: transformers' chat runtime gives none.
    assert all(len(row) == 4 and row[3] == "" for row in rows)


def test_order_direct_makes_one_model_call_per_chunk(tiny_chat_models):
    folder = str(tiny_chat_models["qwen2"])
    result = CliRunner().invoke(cli, ["article", str(EXAMPLE), "--summarizer", folder, "--order", "direct", "--format", "json"])
    assert result.exit_code == 0, result.output
    metadata = json.loads(result.stdout)["metadata"]
    assert metadata["order"] == "direct" and metadata["languages"]["source"] == "es"
    # One call for the one chunk, and one more where its summary was asked again and kept (fact check).
    revised = any("the new summary, with fewer, is kept" in note for note in metadata["notes"])
    assert metadata["counts"]["chunks_per_level"] == [1] and metadata["counts"]["summary_model_calls"] == 1 + revised
    assert metadata["summarizer"]["alias"] == "qwen2" and metadata["translator"]["engine"] == "transformers"


def test_order_direct_goes_by_map_reduce_beyond_the_context(tiny_chat_models):
    engines = Engines(Options(summarizer=str(tiny_chat_models["llama"])))
    engines.summarizer("es").engine.max_input_tokens = 450  # as if the context were small: several chunks
    pipeline = Pipeline(to="en", order="direct", length="short", engines=engines)
    metadata = pipeline.article(EXAMPLE)["metadata"]
    counts = metadata["counts"]
    assert len(counts["chunks_per_level"]) >= 2 and counts["chunks_per_level"][-1] == 1
    # One more call where the final summary was asked again and kept (the fact check).
    revised = any("the new summary, with fewer, is kept" in note for note in metadata["notes"])
    assert counts["summary_model_calls"] == sum(counts["chunks_per_level"]) + revised


def test_order_direct_refuses_a_summariser_that_is_not_a_chat_model():
    result = CliRunner().invoke(cli, ["article", str(EXAMPLE), "--order", "direct", "--summarizer", "textrank"])
    assert result.exit_code == 1 and "--order direct needs a chat model" in result.output
    assert "Traceback" not in result.output


def test_the_summary_streams_as_it_is_generated(tiny_chat_models):
    folder = str(tiny_chat_models["qwen2"])
    pieces: list[str] = []
    result = Pipeline(to="en", summarizer=folder, stream=pieces.append).article(EXAMPLE)
    # The streamed summary is the result's unless the fact check had it asked again and kept the new
    # one, or replaced a sentence of it by the document's.
    changed = ("the new summary, with fewer, is kept", "replaced by the document's sentence closest")
    revised = any(said in note for note in result["metadata"]["notes"] for said in changed)
    assert len(pieces) > 1 and ("".join(pieces).strip() == result["summary"]) != revised


@pytest.mark.slow
def test_article_on_a_terminal_prints_the_streamed_summary_once(tiny_chat_models):
    folder = str(tiny_chat_models["qwen2"])
    expected = Pipeline(to="en", summarizer=folder).article(EXAMPLE)["summary"]
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "summarize", "article", str(EXAMPLE), "--summarizer", folder, "-q"]
    process = subprocess.Popen(command, stdout=follower, stderr=subprocess.PIPE, env=os.environ)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    assert process.wait(timeout=120) == 0, process.stderr.read()
    text = shown.decode("utf-8", "replace").replace("\r\n", "\n")
    # Streamed as it comes; a summary asked again after its fact check (the Python API's too)
    # follows the streamed one on its own line.
    assert text == expected + "\n" or text.endswith("\n" + expected + "\n"), text


def test_the_shipped_chat_cards_validate_and_show_licence_context_and_prompts():
    chat = [card for card in load_cards().values() if card.chat and card.prompting == "chat" and card.prompts]
    assert {card.alias for card in chat} >= {"qwen2.5-0.5b-instruct", "qwen2.5-1.5b-instruct", "qwen3-0.6b", "qwen3-1.7b"}
    for card in chat:
        assert card.license == "apache-2.0" and card.context_length >= 32768
        assert card.revision_note or card.pinned
        rendered = {
            "summarize": card.prompts["summarize"].format(text="TEXT", language="English", length="in one sentence"),
            "translate": card.prompts["translate"].format(text="1. A", source="Spanish", target="English", count=1),
            "direct": card.prompts["direct"].format(text="TEXT", source="Spanish", target="English", length="in one sentence"),
        }
        assert rendered["summarize"].endswith("TEXT") and "in English, in one sentence" in rendered["summarize"]
        assert "1 numbered sentences from Spanish into English" in rendered["translate"]
        assert "written in Spanish. Summarise it in English" in rendered["direct"]
        shown = CliRunner().invoke(cli, ["models", "show", card.alias, "-q"])
        assert shown.exit_code == 0
        assert "license: apache-2.0" in shown.output and f"context_length: {card.context_length}" in shown.output
        assert shown.output.count("  prompt ") == 4 and "  prompt avoid: " in shown.output


def test_a_chat_card_with_an_unknown_prompt_field_is_refused():
    card = {"alias": "x", "task": "summarization", "engines": ["transformers"], "architecture": "qwen2", "hub_id": "a/b"}
    with pytest.raises(CardError, match=r"prompts.summarize must hold \{text\}"):
        parse_card({**card, "prompts": {"summarize": "Summarise {text} for {audience}"}}, "x.toml")
    with pytest.raises(CardError, match="prompts are for chat models"):
        parse_card({**card, "architecture": "bart", "prompts": {"summarize": "{text}"}}, "x.toml")
    assert parse_card({**card, "prompts": {"direct": "{source} to {target}, {length}: {text}"}}, "x.toml").chat


def test_groups_never_span_paragraphs_and_batches_of_documents_equal_one_at_a_time(tiny_chat_models):
    folder = str(tiny_chat_models["llama"])
    engines = Engines(Options(translator=folder))
    translator = engines.translator("es", "en").engine
    calls: list[list[int]] = []
    real_answers = translator.model.answers

    def recorded(batch, bounds, stream=None, retry=False, **held):
        calls.append([len(re.findall(r"^\d+\. ", p, re.MULTILINE)) for p in batch])
        return real_answers(batch, bounds, stream, retry, **held)

    translator.model.answers = recorded
    documents = [" ".join(SPANISH[:2]) + "\n\n" + " ".join(SPANISH[2:5]), " ".join(SPANISH[5:9])]
    pipeline = Pipeline(to="en", source="es", engines=engines)
    one_at_a_time = [pipeline.translate(d)["paragraphs"] for d in documents]
    # Group calls (the calls of sentences retranslated alone hold ones only): a group per
    # paragraph; after them, the fact check's repairs may group a sentence's clauses.
    assert [sizes for sizes in calls if max(sizes) > 1][:2] == [[2, 3], [4]]
    calls.clear()
    assert [r["paragraphs"] for r in pipeline.translations(documents)] == one_at_a_time
    # The documents together: one call holds every paragraph's group, batched on the runtime.
    assert [sizes for sizes in calls if max(sizes) > 1][:1] == [[2, 3, 4]]


def test_a_document_that_fails_in_the_pooled_call_stops_only_itself(tiny_chat_models):
    engines = Engines(Options(translator=str(tiny_chat_models["llama"])))
    translator = engines.translator("es", "en").engine
    real_answers = translator.model.answers

    def failing(batch, bounds, stream=None, retry=False, **held):
        if any(SPANISH[5] in prompt for prompt in batch):
            raise EngineUnavailableError("llama.cpp failed: out of slots")
        return real_answers(batch, bounds, stream, retry, **held)

    translator.model.answers = failing
    results = list(Pipeline(to="en", source="es", engines=engines).translations([SPANISH[0], SPANISH[5], SPANISH[2]]))
    assert [bool(r.get("error")) for r in results] == [False, True, False]
    assert "out of slots" in results[1]["error"] and results[0]["paragraphs"] and results[2]["paragraphs"]


@pytest.mark.parametrize("completion", [False, True])
@pytest.mark.parametrize("cured", [True, False])
def test_a_looping_translation_is_retried_once_without_repeats_then_counted(tiny_chat_models, completion, cured):
    """A chat model's group that loops goes alone, then once more without repeated 3-grams; a
    completion model's sentence (alone already) goes straight to that retry."""
    engine = translator(tiny_chat_models["qwen2"])
    model = engine.model
    model.completion, model.stop = completion, ("\n",) if completion else ()
    loop = model.tokenizer(" the" * 400, add_special_tokens=False).input_ids
    cure = model.tokenizer(("Hello.\nmore" if completion else "1. Hello."), add_special_tokens=False).input_ids
    seen: list[dict] = []

    def run_ids(inputs, settings, stream=None):
        seen.append(settings)
        done = cured and settings.get("no_repeat_ngram_size") == 3
        return [cure if done else loop[: settings["max_new_tokens"]] for _ in inputs]

    model.run_ids = run_ids
    done = engine.translate(SPANISH[:2], "es", "en", starts=(0,))
    retries = [s for s in seen if s.get("no_repeat_ngram_size")]
    assert len(retries) == 1 and len(seen) == (2 if completion else 3)
    assert done.ran_away == [not cured] * 2
    assert done.texts == ["Hello."] * 2 if cured else all(t.startswith("the the") for t in done.texts)


def test_an_answer_held_to_terms_ends_with_the_sentence_of_the_last():
    from summarize.engines.holding import through_words

    answer = "The court cited Roe v. Wade. 1973. 1973. 1973."
    assert through_words(answer, ("Wade",)) == "The court cited Roe v. Wade."
    assert through_words("It closed at 0230 UTC. Junk. More", ("UTC", "0230")) == "It closed at 0230 UTC."
    # Cut after the last word it holds (a word it lacks is counted as missed, not hidden); with
    # none, whole.
    assert through_words("Roe v. Wade. 1998. 1999.", ("Wade", "2008")) == "Roe v. Wade."
    assert through_words("No term. Here", ("Wade",)) == "No term. Here"


def test_a_checked_held_answer_ends_where_its_cut_would_fall():
    from summarize.engines.holding import HeldLine, through_words

    line, answer = HeldLine(("Wade", "1973"), 30), "In 1973 the court cited Roe v. Wade. 1974. 1975."
    ends = [n for n in range(len(answer) + 1) if line.ended(answer[:n])]
    # The first prefix that may end is the sentence after both words, once a space follows it.
    assert ends and answer[: ends[0]] == "In 1973 the court cited Roe v. Wade. "
    assert answer[: ends[0]].strip() == through_words(answer, line.words)
    assert not line.ended("The court cited Roe v. Wade. It ") and not line.ended("In 1973 Roe v. Wade.")
    assert line.ended("In 1973 Roe v. Wade\n")  # the whole line
    # A sentence none of whose terms was found is held to no word: it ends as a sentence does.
    free = HeldLine((), 30)
    assert not free.ended("The court") and free.ended("The court ruled. It ") and free.ended("The court\n")


def test_terms_are_written_in_the_grammar_with_escapes_gbnf_reads():
    from summarize.engines.holding import grammar as holding_grammar

    grammar = holding_grammar(('say "hi"', "a\\b", "x\bz\f"), 30)
    assert r'"say \"hi\""' in grammar and r'"a\\b"' in grammar and r'"x\x08z\x0c"' in grammar
    assert "\b" not in grammar and "\f" not in grammar and r"\b" not in grammar.replace(r"\\b", "")


def test_the_grammar_lets_only_characters_of_no_word_stand_beside_a_held_word():
    import re

    from summarize.engines.holding import BOUNDARIES, grammar, pattern

    assert not any(re.match(r"\w", c) for c in BOUNDARIES) and not {"<", "\n"} & set(BOUNDARIES)
    rule = next(line for line in grammar(("conditions",), 5).splitlines() if line.startswith("boundary"))
    assert rule.startswith("boundary ::= [") and rule.endswith("]")
    assert "".join(chr(int(code, 16)) for code in re.findall(r"\\u([0-9a-f]{4})", rule)) == BOUNDARIES
    line = pattern(("conditions",), 5)
    assert line.fullmatch("conditions.\n") and not line.fullmatch("conditionsố\n")


def test_a_held_line_holds_each_word_whole_in_any_order_within_its_gaps():
    from summarize.engines.holding import pattern

    line = pattern(("storm tanks", "Júcar"), 12)
    assert line.fullmatch("The Júcar gets storm tanks.\n") and line.fullmatch("storm tanks (Júcar)\n")
    assert not line.fullmatch("The Júcar gets tanks.\n") and not line.fullmatch("Júcar's bigstorm tanks\n")
    assert not line.fullmatch("The river basin of the Júcar gets storm tanks.\n")  # 27 characters before the first
    assert line.fullmatch("The Júc", partial=True) and not line.fullmatch("The Júcar\n", partial=True)


def test_a_held_step_tries_the_best_then_the_spelling_tokens_then_every_other_once():
    import numpy

    from summarize.engines.holding import CANDIDATES, candidates

    scores = numpy.random.default_rng(0).permutation(500).astype("float32")
    order = list(candidates(scores, [7, 3]))
    best = numpy.argsort(-scores).tolist()
    assert order[:CANDIDATES] == best[:CANDIDATES] and order[CANDIDATES : CANDIDATES + 2] == [7, 3]
    assert order[CANDIDATES + 2 :] == best[CANDIDATES:]
    assert sorted(order[:CANDIDATES] + order[CANDIDATES + 2 :]) == list(range(500))


@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
@pytest.mark.parametrize("arch", CHAT_ARCHITECTURES)
def test_random_weights_write_every_glossary_term_under_the_held_retry(tiny_chat_models, arch, engine):
    """A random model writes no term by itself; held token by token, its retry writes each."""
    from summarize.text.glossary import parse_table

    glossary = parse_table("embalses,reservoirs\nJúcar,\ncuenca hidrográfica,river basin\n", "terms.csv")
    engines = Engines(Options(translator=str(tiny_chat_models[arch]), engine=engine, device="cpu"))
    text = "Los embalses de la cuenca hidrográfica del Júcar están llenos."
    result = Pipeline(source="es", engines=engines, glossary=glossary).translate(text)
    counts = result["metadata"]["counts"]
    assert counts["terms_applied"] == 3 and counts["terms_missed"] == 0, result
    assert all(word in result["paragraphs"][0] for word in ("reservoirs", "Júcar", "river basin"))


@pytest.mark.parametrize("completion", [False, True])
def test_formality_asks_a_chat_translator_for_the_register_and_is_refused_where_there_is_none(tiny_chat_models, completion):
    """A completion model's prompt gains the register's example pairs, a chat model's an
    instruction; English has no register to ask: more is refused, prefer_more noted."""
    from summarize.engines.chat import REGISTER_EXAMPLES, REGISTER_WORDS
    from summarize.errors import InputError

    engine = Engines(Options(translator=str(tiny_chat_models["qwen2"]))).translator("en", "de").engine
    engine.model.completion = completion
    asked = {formality: engine.for_request(Options(target="de", formality=formality)) for formality in ("more", "less")}
    prompts = {formality: translated._prompt(["Can you help me?"], "en", "de") for formality, translated in asked.items()}
    plain = engine._prompt(["Can you help me?"], "en", "de")
    if completion:
        formal, informal = (REGISTER_EXAMPLES["de"][register][1] for register in ("formal", "informal"))
        assert formal in prompts["more"] and informal in prompts["less"] and formal not in plain
    else:
        assert prompts["more"].startswith(f"Address the reader formally ({REGISTER_WORDS['de']['formal']})")
        assert prompts["less"].startswith("Address the reader informally (du)") and prompts["less"].endswith(plain)
    assert engine.register is None and engine.for_request(Options(target="de")) is engine
    engines = Engines(given={("translation", "es", "en"): engine})
    with pytest.raises(InputError, match=r"formality=more: .* register in English"):
        Pipeline(to="en", source="es", engines=engines, formality="more").translate("Hola.")
    notes: list[str] = []
    Pipeline(to="en", source="es", engines=engines, formality="prefer_more", notify=notes.append).translate("Hola.")
    assert any("formality=prefer_more" in note for note in notes)
