"""The OpenAI chat-completions API as respx sees it: helpers to script answers and read requests."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

BASE_URL = "http://llm.test/v1"
COMPLETIONS = f"{BASE_URL}/chat/completions"


def completion(
    content: str | None, *, prompt_tokens: int = 900, completion_tokens: int = 150
) -> httpx.Response:
    body = {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1,
        "model": "test-model",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
    return httpx.Response(200, json=body)


def draft_answer(
    body: str, *, subject: str | None = "Fewer Saturday no-shows", source_ids: list[str] | None = None
) -> httpx.Response:
    question = [line for line in body.splitlines() if line.endswith("?")]
    return completion(
        json.dumps(
            {
                "subject": subject,
                "body": body,
                "call_to_action": question[-1] if question else "",
                "source_ids": source_ids or [],
            }
        )
    )


def error(status: int, message: str = "try again") -> httpx.Response:
    return httpx.Response(status, json={"error": {"message": message, "type": "server_error", "code": None}})


def sent_messages(request: httpx.Request) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = json.loads(request.content)["messages"]
    return messages


SOURCE_BLOCK = re.compile(r'<source id="([^"]*)" title="([^"]*)" url="([^"]*)">\n(.*?)\n</source>', re.S)
FIRST_NAME = re.compile(r"^first name: (.+)$", re.M)


def grounded_answer(request: httpx.Request) -> httpx.Response:
    """A well-behaved model: greets by name, quotes the first source it was given, asks one question."""
    user = sent_messages(request)[-1]["content"]
    name = FIRST_NAME.search(user)
    source = SOURCE_BLOCK.search(user)
    greeting = f"Hi {name.group(1)}," if name else "Hi there,"
    if source is None:
        raise AssertionError("the fake model needs a source in the prompt to quote")
    source_id, title, url, text = source.groups()
    sentences = [s for s in re.split(r"(?<=[.!])\s+", " ".join(text.split())) if not s.startswith("#")]
    short = [s for s in sentences if len(s.split()) <= 20] or sentences[:1]
    quoted: list[str] = []
    for sentence in short:
        if len(" ".join(quoted).split()) >= 30:
            break
        quoted.append(sentence)
    quoted += ["It is short.", "It is worth a look this week."]
    value = f'Thanks for getting in touch. Here is something useful: "{title}". {" ".join(quoted)} {url}'
    body = "\n\n".join(
        [
            greeting,
            value.strip(),
            "Which part of this matters most for you right now?",
            "Best,\nMaya",
        ]
    )
    return draft_answer(body, subject="Something useful for you", source_ids=[source_id])
