"""A fake chat-only runtime, for the test that a new runtime is one row of the engine table and
one module (this one). It answers from the prompt: numbered sentences come back numbered and marked
"(en)", a summary is "SUMMARY:" and the first words of the text."""

from __future__ import annotations

import re

from summarize.catalog.hub import resolve_weights
from summarize.engines.chat import ChatModel
from summarize.engines.runtime import load_tokenizer

_NUMBERED = re.compile(r"^(\d+)\. (.*)$", re.MULTILINE)


class FakeChat(ChatModel):
    runtime = "fakechat"

    def __init__(self, card, allow_download: bool):
        super().__init__(card, load_tokenizer(resolve_weights(card, allow_download)), "cpu", 2048)

    @classmethod
    def load(cls, card, device, task, allow_download):
        return cls(card, allow_download)

    def precision(self) -> str:
        return "none"

    def threads(self) -> int:
        return 1

    def runtime_settings(self, settings: dict) -> dict:
        return {"max_new_tokens": settings["max_new_tokens"]}

    def run_ids(self, inputs, settings, stream=None):
        answers = []
        for ids in inputs:
            prompt = self.tokenizer.decode(ids, skip_special_tokens=True)
            numbered = _NUMBERED.findall(prompt)
            text = prompt.rsplit("\n\n", 1)[-1]
            answer = "\n".join(f"{n}. (en) {s}" for n, s in numbered) or "SUMMARY: " + " ".join(text.split()[:6])
            new = self.tokenizer(answer, add_special_tokens=False).input_ids[: settings["max_new_tokens"]]
            if stream is not None:
                stream.add(new)
            answers.append(new)
        return answers
