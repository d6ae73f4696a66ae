"""The OpenAI-compatible backend against a local HTTP server replaying a recorded exchange.

No chat server can run in CI here, so a stdlib HTTP server streams a recorded
chat-completions response (server-sent events, as vLLM and llama.cpp send them) and the real
backend code talks to it over a real socket.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from rag.answer.backends import OpenAIChatGenerator
from rag.errors import EndpointError

RECORDED = [
    {"choices": [{"index": 0, "delta": {"role": "assistant"}}]},
    {"choices": [{"index": 0, "delta": {"content": "Korea adopted it in July 2021"}}]},
    {"choices": [{"index": 0, "delta": {"content": " [1]."}}]},
    {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
]


class _Handler(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Handler.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        if body.get("model") != "served-model":
            self.send_response(404)
            self.end_headers()
            self.wfile.write(b'{"error": "model not found"}')
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for event in RECORDED:
            self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def server():
    httpd = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


def test_streams_a_chat_completion(server):
    gen = OpenAIChatGenerator(server, "served-model", "secret", 0.0, 10)
    text = "".join(gen.stream([{"role": "user", "content": "When?"}], max_new_tokens=32))
    assert text == "Korea adopted it in July 2021 [1]."
    sent = _Handler.requests[-1]
    assert sent["path"] == "/v1/chat/completions" and sent["body"]["stream"] is True
    assert sent["body"]["max_tokens"] == 32 and sent["auth"] == "Bearer secret"


def test_wrong_model_and_unreachable_server_give_actionable_errors(server):
    with pytest.raises(EndpointError, match="HTTP 404"):
        list(OpenAIChatGenerator(server, "other", None, 0.0, 10).stream([{"role": "user", "content": "x"}], 8))
    with pytest.raises(EndpointError, match="cannot reach"):
        list(OpenAIChatGenerator("http://127.0.0.1:9/v1", "m", None, 0.0, 2).stream([{"role": "user", "content": "x"}], 8))
