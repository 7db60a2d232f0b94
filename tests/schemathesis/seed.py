"""Objects for the fuzzer to find, made through the API before it runs (run.sh calls this).

    python3 seed.py BASE_URL ADMIN_PASSWORD CONFIG_IN CONFIG_OUT

Signs in the admin, registers the participant, and makes an org unit, an event, a published quiz
open now with an attempt of the participant's, and an open contest with a draft entry of hers.
Writes CONFIG_OUT: CONFIG_IN plus a dictionary of those ids that the path parameters draw from
half of the time, so that cases reach the handlers instead of stopping at 404. Prints the
participant's access token.
"""

import json
import sys
import urllib.request
from datetime import datetime, timedelta, timezone

base, admin_password, config_in, config_out = sys.argv[1:5]
PARTICIPANT = {
    "username": "fuzz.participant",
    "password": "a long fuzzing passphrase",
    "display_name": "Fuzz",
    "birth_year": 2000,
}


def call(method, path, body=None, token=None):
    request = urllib.request.Request(f"{base}/api/v1/{path}", method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    data = None
    if body is not None:
        request.add_header("Content-Type", "application/json")
        data = json.dumps(body).encode()
    with urllib.request.urlopen(request, data) as response:
        return json.load(response)


def at(delta):
    return (datetime.now(timezone.utc) + delta).isoformat()


admin = call("POST", "auth/login", {"username": "admin", "password": admin_password})["access_token"]
registered = call("POST", "auth/register", PARTICIPANT)
participant = registered["access_token"]

unit = call("POST", "org-units", {"code": "FUZZ-1", "name": "Fuzz school", "kind": "school"}, admin)
event = call(
    "POST",
    "events",
    {"title": "Fuzz week", "starts_at": at(timedelta(days=-1)), "ends_at": at(timedelta(days=7))},
    admin,
)
quiz = call(
    "POST",
    "quizzes",
    {
        "event_id": event["id"],
        "title": "Fuzz quiz",
        "opens_at": at(timedelta(minutes=-1)),
        "closes_at": at(timedelta(days=1)),
        "time_limit_s": 3600,
        "max_attempts": 100,
        "review": "after_submit",
        "rules": [{"bank": "an-toan-so", "count": 3}],
    },
    admin,
)
call("POST", f"quizzes/{quiz['id']}/publish", None, admin)
attempt = call("POST", f"quizzes/{quiz['id']}/attempts", None, participant)
contest = call(
    "POST",
    "contests",
    {
        "event_id": event["id"],
        "title": "Fuzz contest",
        "opens_at": at(timedelta(minutes=-1)),
        "closes_at": at(timedelta(days=1)),
        "media": ["audio", "video"],
        "max_bytes": 10_000_000,
        "max_duration_s": 60,
        "criteria": [{"key": "content", "title": "Content", "weight": 1, "max_points": 10}],
        "voters": "any_account",
    },
    admin,
)
entry = call(
    "POST",
    f"contests/{contest['id']}/entries",
    {"title": "Fuzz entry", "consent": {"entrant": True}},
    participant,
)

ids = [
    unit["id"],
    event["id"],
    quiz["id"],
    attempt["id"],
    contest["id"],
    entry["id"],
    registered["user"]["id"],
]
questions = [question["id"] for question in attempt["questions"]]
with open(config_in, encoding="utf-8") as source:
    config = source.read()
with open(config_out, "w", encoding="utf-8") as out:
    out.write(config)
    out.write("\n# Written by seed.py: the ids of what it made.\n")
    out.write(f"[dictionaries.ids]\nvalues = {json.dumps(ids)}\n")
    out.write(f"[dictionaries.questions]\nvalues = {json.dumps(questions)}\n")
    out.write('[dictionaries.banks]\nvalues = ["an-toan-so"]\n')
    out.write("[parameters]\n")
    out.write('"path.id" = { dictionary = "ids", probability = 0.5 }\n')
    out.write('"path.question_id" = { dictionary = "questions", probability = 0.5 }\n')
    out.write('"path.slug" = { dictionary = "banks", probability = 0.5 }\n')
print(participant)
