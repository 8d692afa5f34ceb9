"""A pretrained GGUF model's tokenizer as llama.cpp itself reads it, through the server the engine
runs (its /tokenize and /detokenize routes, on a local port behind a key only this process holds):
the ids llama.cpp decodes, without a Hugging Face copy of the vocabulary beside it (Gemma 3 270M's
tokenizer.json took 290 MB of memory and 1.1 s per loaded engine in `tokenizers`; a call here takes
under 1 ms). Its ids and texts equal transformers' (tests/test_llamacpp.py compares them)."""

from __future__ import annotations

import http.client
import json
import threading
from typing import NamedTuple

from summarize.errors import EngineUnavailableError, first_line


class Encoded(NamedTuple):
    input_ids: list[int]


class ServerRoutes:
    """The HTTP routes of the llama.cpp server this process runs, at `address` (host:port), asked
    with `key`, over one connection per thread."""

    def __init__(self, address: str, key: str):
        self.address, self.key = address, key
        self._local = threading.local()

    def ask(self, route: str, body: dict) -> dict:
        """The server's answer on `route` (the connection made again once where the server closed it)."""
        payload = json.dumps(body)
        try:
            status, answer = self._exchange(route, payload)
        except (OSError, http.client.HTTPException):
            self._local.connection = None
            try:
                status, answer = self._exchange(route, payload)
            except (OSError, http.client.HTTPException) as exc:
                self._local.connection = None
                raise EngineUnavailableError(f"llama.cpp's server did not answer on {route} ({first_line(exc)})") from None
        if status != 200:
            said = answer[:200].decode(errors="replace")
            raise EngineUnavailableError(f"llama.cpp's server answered {status} on {route}: {said}")
        return json.loads(answer)

    def _exchange(self, route: str, payload: str) -> tuple[int, bytes]:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = http.client.HTTPConnection(self.address)
        connection.request("POST", route, payload, {"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"})
        response = connection.getresponse()
        return response.status, response.read()


class LlamaCppTokenizer:
    """Ids and texts from the running llama.cpp server's `routes`; `control_tokens` (the GGUF's)
    are what a decoding that skips special tokens leaves out."""

    def __init__(self, routes: ServerRoutes, control_tokens: frozenset[int]):
        self.routes = routes
        self.control_tokens = control_tokens
        #: The ids of the special tokens: every id transformers' decoding skips as special.
        self.all_special_ids = sorted(control_tokens)

    def __call__(self, text: str, add_special_tokens: bool = True) -> Encoded:
        return Encoded(self.encode(text, add_special_tokens=add_special_tokens))

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        return self.routes.ask("/tokenize", {"content": text, "add_special": add_special_tokens})["tokens"]

    def decode(self, ids: list[int], skip_special_tokens: bool = False) -> str:
        kept = [i for i in ids if not (skip_special_tokens and i in self.control_tokens)]
        return self.routes.ask("/detokenize", {"tokens": kept})["content"] if kept else ""
