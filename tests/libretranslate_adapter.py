"""The conftest of LibreTranslate's own API tests when they run against `summarize serve`: their
`client` fixture (a Flask test client) replaced by one that sends the same calls over HTTP to
the service at $SUMMARIZE_SERVICE_URL. Copied as conftest.py beside their test files."""

from __future__ import annotations

import json
import os

import httpx
import pytest


class Answer:
    """What their tests read of a Flask response: status_code, data (bytes) and json."""

    def __init__(self, response: httpx.Response):
        self.status_code = response.status_code
        self.data = response.content

    @property
    def json(self):
        return json.loads(self.data)


class OverHttp:
    def __init__(self, url: str):
        self.http = httpx.Client(base_url=url, timeout=60)

    def get(self, path: str, **kwargs) -> Answer:
        return Answer(self.http.get(path, **kwargs))

    def post(self, path: str, data=None, json=None, **kwargs) -> Answer:
        return Answer(self.http.post(path, data=data, json=json, **kwargs))


@pytest.fixture()
def client():
    return OverHttp(os.environ["SUMMARIZE_SERVICE_URL"])
