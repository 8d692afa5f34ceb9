"""Decoder-only chat models (Qwen, Llama) as summariser and translator: the shared half. A runtime
(transformers, CTranslate2) loads the model and turns prompt ids into new ids (`run_ids`); here, once: the
prompts (the card's, else these defaults) in the tokenizer's chat template, the context budget,
length-sorted batches with the order put back, and the two tasks.

Translation keeps sentences one to one: a group of consecutive sentences goes in numbered, and
must come back as as many numbered lines; a group that does not (sentences merged or split) is
translated again a sentence at a time, and counted (`sentences_retranslated_alone`). A sentence
whose answer runs away (to its bound without ending, or in a loop) is translated once more
without repeated 3-grams, and kept and counted if it still does, as sequence-to-sequence
translation does (engines/bounds.py)."""

from __future__ import annotations

import math
import re
from abc import abstractmethod
from typing import NamedTuple

from summarize.catalog.cards import ModelCard
from summarize.engines.base import ModelBacked, Summarizer, Translated, Translator, check_budget
from summarize.engines.bounds import RETRY_SETTINGS, loops, output_bound
from summarize.engines.holding import longest, through_words
from summarize.engines.runtime import IncrementalText, NeuralModel
from summarize.errors import ModelUnavailableError
from summarize.lengths import LENGTH_SENTENCES
from summarize.text.langdetect import language_name

DEFAULT_PROMPTS = {
    "summarize": "Summarise this news article in {language}, {length}. Reply with the summary only.\n\n{text}",
    "translate": (
        "Translate these {count} numbered sentences from {source} into {target}. Reply with exactly {count} "
        "numbered lines in the same order, one translation per line, and nothing else.\n\n{text}"
    ),
    "direct": (
        "This news article is written in {source}. Summarise it in {target}, {length}. Reply with the summary only.\n\n{text}"
    ),
    "avoid": "{prompt}\n\nThe article does not say {spans}: leave them out.",
}
#: A pretrained (completion) model's prompts: example pairs, then the text to continue; its
#: answer ends at the end of the line (`COMPLETION_STOP`, or the card's `stop`).
COMPLETION_PROMPTS = {
    "translate": "{examples}{source}: {text}\n{target}:",
    "summarize": "{text}\n\nTL;DR:",
    "direct": "{text}\n\nTL;DR in {target}:",
    "avoid": "Not in the article: {spans}.\n\n{prompt}",
}
COMPLETION_STOP = ("\n",)
#: Two news sentences with the same meaning in each served language (a name, figures, a date):
#: the example pairs of a completion model's translation prompt, from one language into another.
#: Chosen on FLORES-200 dev over two short phrases ("The train leaves at eight."), which scored
#: 1.4 to 2.8 chrF lower into English (benchmarks/offline_translation.py, docs/models.md).
EXAMPLE_SENTENCES = {
    "en": (
        "The mayor, Ana Torres, said on Monday that 120 new homes will be built by 2027.",
        "Police arrested two men on Sunday after a bank robbery in the city centre.",
    ),
    "es": (
        "La alcaldesa, Ana Torres, dijo el lunes que se construirán 120 viviendas nuevas antes de 2027.",
        "La policía detuvo el domingo a dos hombres tras el atraco a un banco en el centro de la ciudad.",
    ),
    "fr": (
        "La maire, Ana Torres, a déclaré lundi que 120 nouveaux logements seront construits d'ici 2027.",
        "La police a arrêté dimanche deux hommes après le braquage d'une banque dans le centre-ville.",
    ),
    "de": (
        "Die Bürgermeisterin Ana Torres sagte am Montag, dass bis 2027 120 neue Wohnungen gebaut werden.",
        "Die Polizei hat am Sonntag nach einem Banküberfall im Stadtzentrum zwei Männer festgenommen.",
    ),
    "it": (
        "La sindaca, Ana Torres, ha detto lunedì che entro il 2027 saranno costruite 120 nuove case.",
        "La polizia ha arrestato domenica due uomini dopo la rapina a una banca nel centro della città.",
    ),
    "pt": (
        "A presidente da câmara, Ana Torres, disse na segunda-feira que serão construídas 120 novas casas até 2027.",
        "A polícia prendeu no domingo dois homens após o assalto a um banco no centro da cidade.",
    ),
}
_ENGLISH_ADDRESS = (
    "Thank you for your letter; we will send you the documents tomorrow.",
    "Can you tell us where you live?",
    "We will call you when your car is ready.",
    "Do you need help with your bags?",
)
#: Four sentences that address the reader, in each served language's formal and informal
#: register: the example pairs added to a completion model's prompt when a register is asked.
#: Four, after the news pairs, were chosen on benchmarks/data/second_person_dev.en.txt over two
#: (Gemma 3 270M: 68% of outputs in the asked register against 53%) and over four alone (66%).
REGISTER_EXAMPLES = {
    "en": {"formal": _ENGLISH_ADDRESS, "informal": _ENGLISH_ADDRESS},
    "es": {
        "formal": (
            "Gracias por su carta; le enviaremos los documentos mañana.",
            "¿Puede decirnos dónde vive usted?",
            "Le llamaremos cuando su coche esté listo.",
            "¿Necesita ayuda con sus maletas?",
        ),
        "informal": (
            "Gracias por tu carta; te enviaremos los documentos mañana.",
            "¿Puedes decirnos dónde vives?",
            "Te llamaremos cuando tu coche esté listo.",
            "¿Necesitas ayuda con tus maletas?",
        ),
    },
    "fr": {
        "formal": (
            "Merci pour votre lettre ; nous vous enverrons les documents demain.",
            "Pouvez-vous nous dire où vous habitez ?",
            "Nous vous appellerons quand votre voiture sera prête.",
            "Avez-vous besoin d'aide avec vos bagages ?",
        ),
        "informal": (
            "Merci pour ta lettre ; nous t'enverrons les documents demain.",
            "Peux-tu nous dire où tu habites ?",
            "Nous t'appellerons quand ta voiture sera prête.",
            "As-tu besoin d'aide avec tes bagages ?",
        ),
    },
    "de": {
        "formal": (
            "Vielen Dank für Ihren Brief; wir schicken Ihnen die Unterlagen morgen.",
            "Können Sie uns sagen, wo Sie wohnen?",
            "Wir rufen Sie an, wenn Ihr Auto fertig ist.",
            "Brauchen Sie Hilfe mit Ihren Taschen?",
        ),
        "informal": (
            "Vielen Dank für deinen Brief; wir schicken dir die Unterlagen morgen.",
            "Kannst du uns sagen, wo du wohnst?",
            "Wir rufen dich an, wenn dein Auto fertig ist.",
            "Brauchst du Hilfe mit deinen Taschen?",
        ),
    },
    "it": {
        "formal": (
            "Grazie per la Sua lettera; Le invieremo i documenti domani.",
            "Può dirci dove abita?",
            "La chiameremo quando la Sua auto sarà pronta.",
            "Ha bisogno di aiuto con i Suoi bagagli?",
        ),
        "informal": (
            "Grazie per la tua lettera; ti invieremo i documenti domani.",
            "Puoi dirci dove abiti?",
            "Ti chiameremo quando la tua auto sarà pronta.",
            "Hai bisogno di aiuto con i tuoi bagagli?",
        ),
    },
    "pt": {
        "formal": (
            "Obrigado pela sua carta; enviar-lhe-emos os documentos amanhã.",
            "Pode dizer-nos onde mora?",
            "Ligar-lhe-emos quando o seu carro estiver pronto.",
            "Precisa de ajuda com as suas malas?",
        ),
        "informal": (
            "Obrigado pela tua carta; enviar-te-emos os documentos amanhã.",
            "Podes dizer-nos onde moras?",
            "Ligar-te-emos quando o teu carro estiver pronto.",
            "Precisas de ajuda com as tuas malas?",
        ),
    },
}
#: How a chat model is told the register: the pronouns that mark it in each language.
REGISTER_WORDS = {
    "es": {"formal": "usted", "informal": "tú"},
    "fr": {"formal": "vous", "informal": "tu"},
    "de": {"formal": "Sie", "informal": "du"},
    "it": {"formal": "Lei", "informal": "tu"},
    "pt": {"formal": "o senhor, a senhora, você", "informal": "tu"},
}
#: The register each formality asks for (`Options.formality`).
FORMALITY_REGISTERS = {"more": "formal", "prefer_more": "formal", "less": "informal", "prefer_less": "informal"}
#: New tokens allowed per summary sentence asked for, and for the rest of the answer.
TOKENS_PER_SENTENCE, ANSWER_OFFSET = 60, 40
#: Tokens kept free in the context for the prompt's own words and the longest answer.
CONTEXT_RESERVE = 512
#: Sentences per numbered translation group.
GROUP_SENTENCES = 8
#: The fewest characters an answer held to glossary terms may write before each.
MIN_GAP = 30
_NUMBERED = re.compile(r"^\s*(\d+)\s*[.)]\s*(.*?)\s*$")
_THINKING = re.compile(r"<think>.*?</think>", re.DOTALL)


class Answer(NamedTuple):
    """A prompt's answer: its text, whether it ran away (to its bound without ending, or in a
    loop), and the model's confidence in it: the geometric mean of its tokens' probabilities
    (None where the runtime gives no log-probabilities)."""

    text: str
    ran_away: bool
    confidence: float | None = None


class ChatModel(NeuralModel):
    """A loaded decoder-only tokenizer and model, prompted in its chat template or (a pretrained
    model, `prompting = "completion"`) with plain text to continue; runtimes implement `load`,
    `runtime_settings` and `run_ids`."""

    #: Prompts per `run_ids` call.
    max_batch: int = 8
    #: Whether `answers` can make an answer hold given words (`holding`): a llama.cpp grammar, or
    #: transformers' tokens checked against it.
    constrains_words: bool = False

    def __init__(self, card: ModelCard, tokenizer, device: str, context_length: int | None):
        self.card, self.device = card, device
        self.architecture = card.architecture
        self.completion = card.prompting == "completion"
        self.tokenizer = tokenizer
        if not self.completion and not self.tokenizer.chat_template:
            raise ModelUnavailableError(
                f"'{card.alias}' has no chat template in its tokenizer; it is not a chat model (a card with "
                'prompting = "completion" prompts it as a pretrained model)'
            )
        #: Where an answer ends (the text from the first of these on is dropped).
        self.stop = card.stop or (COMPLETION_STOP if self.completion else ())
        self.context_length = card.context_length or context_length or 4096
        self.max_input_tokens = card.max_input_tokens or max(self.context_length - CONTEXT_RESERVE, 64)

    @abstractmethod
    def run_ids(self, inputs: list[list[int]], settings, stream: IncrementalText | None = None) -> list[list[int]]:
        """Greedy new ids for each prompt (ids, chat template applied), in order, up to the end
        token; `settings` as `runtime_settings` gave them for max_new_tokens and min_new_tokens;
        `stream`, with one prompt, is given the new ids as they come."""

    def describe(self) -> dict:
        return {**super().describe(), "context_length": self.context_length}

    def prompt(self, job: str, **fields) -> str:
        defaults = COMPLETION_PROMPTS if self.completion else DEFAULT_PROMPTS
        return (self.card.prompts.get(job) or defaults[job]).format(**fields)

    def prompt_ids(self, prompt: str) -> list[int]:
        """The prompt as the user's turn in the chat template, the assistant's turn opened (a
        thinking model told not to think); a completion model's as it is, after its start token."""
        if self.completion:
            return self.tokenizer(prompt).input_ids
        text = self.tokenizer.apply_chat_template(
            [{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True, enable_thinking=False
        )
        return self.tokenizer(text, add_special_tokens=False).input_ids

    def count_tokens(self, text: str, target: str | None = None) -> int:
        return len(self.tokenizer(text, add_special_tokens=False).input_ids)

    def complete(self, prompts: list[str], max_new_tokens: list[int], stream=None) -> list[str]:
        """The answer to each prompt, in order; prompts of like length batched together."""
        return [answer.text for answer in self.answers(prompts, max_new_tokens, stream)]

    def answers(
        self, prompts: list[str], max_new_tokens: list[int], stream=None, retry: bool = False, holding=None
    ) -> list[Answer]:
        """Each prompt's answer; `retry` decodes without repeated 3-grams (RETRY_SETTINGS);
        `holding` (where the runtime `constrains_words`), per prompt: the words its answer must
        hold and the most characters allowed before each."""
        ids = [self.prompt_ids(p) for p in prompts]
        check_budget([len(i) + n for i, n in zip(ids, max_new_tokens)], self.context_length)
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
        answers = [Answer("", False)] * len(ids)
        for start in range(0, len(order), self.max_batch):
            batch = order[start : start + self.max_batch]
            most = max(max_new_tokens[i] for i in batch)
            asked = {"max_new_tokens": most, "min_new_tokens": 0, "stop": self.stop, **(RETRY_SETTINGS if retry else {})}
            if holding is not None:
                asked["holding"] = [holding[i] for i in batch]
            settings = self.runtime_settings(asked)
            streamed = IncrementalText(self.tokenizer, stream) if stream is not None and len(prompts) == 1 else None
            generated = self.run_ids([ids[i] for i in batch], settings, streamed)
            if streamed is not None:
                streamed.end()
            for index, new in zip(batch, generated):
                # Greedy decoding: the first tokens are those a call with this prompt's own bound gives.
                bound = max_new_tokens[index]
                text = self.tokenizer.decode(new[:bound], skip_special_tokens=True)
                ended = len(new) < bound or reached_stop(text, self.stop)
                # Whitespace the answer starts with ("TL;DR:" then a new line) does not end it.
                answer = _THINKING.sub("", self._until_stop(text.lstrip())).strip()
                mean = getattr(new, "mean_logprob", None)
                answers[index] = Answer(answer, not ended or loops(answer), None if mean is None else math.exp(mean))
        return answers

    def _until_stop(self, text: str) -> str:
        """The answer before the first stop string (a runtime that stops there itself leaves none)."""
        for stop in self.stop:
            text = text.split(stop, 1)[0]
        return text


def reached_stop(text: str, stops) -> bool:
    """Whether an answer so far holds a stop string (whitespace it starts with does not count):
    where a runtime that checks as it decodes ends that answer."""
    text = text.lstrip()
    return any(stop in text for stop in stops)


class ChatSummarizer(ModelBacked, Summarizer):
    """Summaries by a chat model, in the language asked for, the length asked in sentences."""

    language_preserving = True
    lengths_in_sentences = True
    streams = True
    writes_other_languages = True

    revises = True

    def summarize_batch(
        self, passages: list[list[str]], length: str, language: str, into: str | None = None, stream=None
    ) -> list[str]:
        """Each passage summarised in `into` (default: its own language, `language`)."""
        prompts = [self._prompt(passage, length, language, into) for passage in passages]
        return self.model.complete(prompts, [self._budget(length)] * len(prompts), stream)

    def revise(self, passage: list[str], length: str, language: str, into: str | None, spans: list[str]) -> str:
        """The passage summarised again, told that `spans` are not in it."""
        prompt = self._prompt(passage, length, language, into)
        named = ", ".join(f'"{span}"' for span in spans)
        return self.model.complete([self.model.prompt("avoid", prompt=prompt, spans=named)], [self._budget(length)])[0]

    def _prompt(self, passage: list[str], length: str, language: str, into: str | None) -> str:
        sentences = LENGTH_SENTENCES.get(length) or int(length)
        asked = "in one sentence" if sentences == 1 else f"in {sentences} sentences"
        into = into or language
        names = {"source": language_name(language), "target": language_name(into)}
        if into == language:
            return self.model.prompt("summarize", text=" ".join(passage), language=names["source"], length=asked)
        return self.model.prompt("direct", text=" ".join(passage), length=asked, **names)

    def _budget(self, length: str) -> int:
        return TOKENS_PER_SENTENCE * (LENGTH_SENTENCES.get(length) or int(length)) + ANSWER_OFFSET


class ChatTranslator(ModelBacked, Translator):
    """Translation by a chat model: groups of numbered sentences, repaired one by one when the
    answer does not keep them one to one."""

    #: The geometric mean of the answer's token probabilities below which a sentence is flagged.
    confidence_threshold = 0.5

    #: One call for all the documents (their groups batched inside; `starts` keeps a group
    #: within a paragraph).
    progress_group = None
    by_paragraph = True
    registers = frozenset(REGISTER_WORDS)
    #: The register the prompt asks for ("formal", "informal"), or None: the model's own.
    register: str | None = None

    def for_request(self, options) -> ChatTranslator:
        """A copy that asks for the register of `options.formality`, where the target has one."""
        import copy

        register = FORMALITY_REGISTERS.get(options.formality)
        if register is None or options.target not in self.registers or register == self.register:
            return self
        asked = copy.copy(self)
        asked.register = register
        return asked

    def translate(self, sentences: list[str], source: str, target: str, starts: tuple[int, ...] = ()) -> Translated:
        """`starts`: the indexes where paragraphs begin (a group never spans two). A sentence
        answered alone has its answer's confidence; one of a numbered group has none."""
        tokens = {s: self.model.count_tokens(s) for s in dict.fromkeys(sentences)}
        groups = self._groups(sentences, set(starts), tokens)
        answers = self.model.answers(
            [self._prompt(group, source, target) for group in groups], [self._bound(group, tokens) for group in groups]
        )
        translations: list[str | None] = []
        confidences: list[float | None] = []
        runaway: list[int] = []
        for group, answer in zip(groups, answers):
            if answer.ran_away and len(group) == 1:  # alone already: what remains is the retry
                runaway.append(len(translations))
            lines = None if answer.ran_away else self._lines(answer.text, len(group))
            translations.extend(lines or [None] * len(group))
            confidences.extend([answer.confidence if len(group) == 1 else None] * len(group))
        alone = [i for i, t in enumerate(translations) if t is None and i not in runaway]
        for index, answer in zip(alone, self._alone([sentences[i] for i in alone], source, target, tokens)):
            translations[index], confidences[index] = answer.text, answer.confidence
            if answer.ran_away:
                runaway.append(index)
        still: set[int] = set()
        retried = self._alone([sentences[i] for i in runaway], source, target, tokens, retry=True)
        for index, answer in zip(runaway, retried):
            translations[index], confidences[index] = answer.text, answer.confidence
            if answer.ran_away:
                still.add(index)
        redone = set(alone)
        count = range(len(sentences))
        return Translated(translations, [i in still for i in count], [i in redone for i in count], confidences)

    def translate_with_terms(self, sentences: list[str], source: str, target: str, terms) -> Translated:
        """On a runtime that `constrains_words`, each sentence once more with its terms written
        in it in the target's form, its answer made to hold them whole (the first at most half
        the sentence's length in, each next as far on); elsewhere in the placeholder form."""
        if not self.model.constrains_words:
            return super().translate_with_terms(sentences, source, target, terms)
        from summarize.text.glossary import protect

        protected = [protect(sentence, terms, "inline") for sentence in sentences]
        texts = [text for text, _ in protected]
        tokens = {text: self.model.count_tokens(text) for text in texts}
        holding = [(tuple(dict.fromkeys(t.target for t in found)), max(MIN_GAP, len(text) // 2)) for text, found in protected]
        prompts = [self._prompt([text], source, target) for text in texts]
        # The longest answer the grammar allows may end, as the context allows.
        rooms = [self.model.context_length - len(self.model.prompt_ids(prompt)) for prompt in prompts]
        bounds = [max(self._bound([text], tokens), min(room, longest(*held))) for text, held, room in zip(texts, holding, rooms)]
        answers = self.model.answers(prompts, bounds, holding=holding)
        lines = [self._lines(answer.text, 1) for answer in answers]
        texts = [found[0] if found else " ".join(a.text.split()) for found, a in zip(lines, answers)]
        return Translated(
            [through_words(text, words) for text, (words, _) in zip(texts, holding)],
            [a.ran_away for a in answers],
            [],
            [a.confidence for a in answers],
        )

    def _alone(self, sentences: list[str], source: str, target: str, tokens: dict[str, int], retry: bool = False) -> list[Answer]:
        """Each sentence translated by itself: its text, whether it ran away, its confidence."""
        if not sentences:
            return []
        lone = [[sentence] for sentence in sentences]
        prompts = [self._prompt(one, source, target) for one in lone]
        redone = self.model.answers(prompts, [self._bound(one, tokens) for one in lone], retry=retry)
        translated = []
        for answer in redone:
            lines = self._lines(answer.text, 1)
            translated.append(answer._replace(text=lines[0] if lines else " ".join(answer.text.split())))
        return translated

    def _groups(self, sentences: list[str], starts: set[int], tokens: dict[str, int]) -> list[list[str]]:
        """Consecutive sentences of one paragraph, GROUP_SENTENCES at most (one for a completion
        model, prompted with example pairs) and a third of the budget in tokens."""
        most = 1 if self.model.completion else GROUP_SENTENCES
        groups, current, filled = [], [], 0
        for index, sentence in enumerate(sentences):
            length = tokens[sentence]
            full = len(current) >= most or filled + length > self.max_input_tokens // 3
            if current and (full or index in starts):
                groups.append(current)
                current, filled = [], 0
            current.append(sentence)
            filled += length
        return groups + [current] if current else groups

    def _prompt(self, group: list[str], source: str, target: str) -> str:
        names = {"source": language_name(source), "target": language_name(target)}
        if self.model.completion:
            pairs = list(zip(EXAMPLE_SENTENCES.get(source, ()), EXAMPLE_SENTENCES.get(target, ())))
            if self.register is not None and source in REGISTER_EXAMPLES:
                pairs += zip(REGISTER_EXAMPLES[source][self.register], REGISTER_EXAMPLES[target][self.register])
            examples = "".join(f"{names['source']}: {a}\n{names['target']}: {b}\n\n" for a, b in pairs)
            return self.model.prompt("translate", text=" ".join(group[0].split()), examples=examples, count=1, **names)
        numbered = "\n".join(f"{n}. {' '.join(s.split())}" for n, s in enumerate(group, 1))
        prompt = self.model.prompt("translate", text=numbered, count=len(group), examples="", **names)
        if self.register is None:
            return prompt
        return f"Address the reader {self.register}ly ({REGISTER_WORDS[target][self.register]}).\n\n{prompt}"

    def _lines(self, answer: str, count: int) -> list[str] | None:
        """The translations an answer holds: a completion model's one line, a chat model's
        numbered lines (None unless exactly 1..count)."""
        if self.model.completion:
            return [" ".join(answer.split())] if answer.strip() else None
        return _numbered_lines(answer, count)

    def _bound(self, group: list[str], tokens: dict[str, int]) -> int:
        return sum(output_bound(self.card, tokens[s]) + 4 for s in group)

    def describe(self) -> dict:
        prompt = "example pairs, a sentence at a time" if self.model.completion else "numbered sentences, repaired one by one"
        return {**super().describe(), "prompt": prompt}


def _numbered_lines(answer: str, count: int) -> list[str] | None:
    """The `count` translations of a numbered answer, or None unless it holds exactly lines 1..count."""
    found = [m for m in (_NUMBERED.match(line) for line in answer.splitlines() if line.strip())]
    if len(found) != count or any(m is None or int(m.group(1)) != n for n, m in enumerate(found, 1)):
        return None
    return [m.group(2) for m in found]
