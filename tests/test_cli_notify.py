"""Notifications through the ``redline`` command, end to end: pages edited on 127.0.0.1,
``check``, and what a real SMTP server and a real webhook receiver got; on SQLite and
PostgreSQL. Loopback is a private network, so these configs allow it, except where the
refusal is what is tested."""

from __future__ import annotations

import hashlib
import hmac
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from click.testing import CliRunner, Result

from clirun import LOOPBACK_CONFIG, Run, cli_runner
from handclock import Clock
from localsite import LocalSite
from redline import Redline, shapes
from redline.cli import cli
from redline.cli._base import Opener
from redline.config import load_config
from redline.demo import FIRST_EDITION, Story, render_page
from redline.shapes import Shape
from smtpserver import SMTPServer, free_port, smtp_server
from webhookreceiver import Receiver, webhook_receiver

BRIDGE = FIRST_EDITION[0]
LEAD, COST, FERRY = BRIDGE.paragraphs
PRICIER = Story(
    BRIDGE.slug, BRIDGE.headline, BRIDGE.byline, (LEAD, COST.replace("410", "450"), FERRY)
)
DEARER = Story(
    BRIDGE.slug, BRIDGE.headline, BRIDGE.byline, (LEAD, COST.replace("410", "480"), FERRY)
)
TYPO = Story(
    BRIDGE.slug, BRIDGE.headline, BRIDGE.byline, (LEAD, COST.replace("expected", "expcted"), FERRY)
)
RENAMED = Story(BRIDGE.slug, "Council approves harbour bridge", BRIDGE.byline, BRIDGE.paragraphs)
BASE_URL = "https://redline.example"
SECRET = "s3cret"


def settings(*rules: str, extra: str = "") -> str:
    """A config reaching 127.0.0.1, linking to BASE_URL, with these [[notify]] tables."""
    web = f'[web]\nbase_url = "{BASE_URL}"\n'
    return LOOPBACK_CONFIG + web + extra + "".join(f"\n[[notify]]\n{rule}\n" for rule in rules)


def webhook_rule(receiver: Receiver, name: str = "bot", more: str = "") -> str:
    return f'name = "{name}"\nwebhook = "{receiver.url}"\nsecret = "{SECRET}"\n{more}'


def mail_rule(server: SMTPServer, name: str = "desk", more: str = "") -> str:
    return f'name = "{name}"\nurls = ["{server.mailto()}"]\n{more}'


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as running:
        yield running


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    with smtp_server() as running:
        yield running


def track(run: Run, site: LocalSite, *editions: Story, source: str = "gazette") -> str:
    """Add the bridge story and check it once per edition served; its URL."""
    url = site.url("/news/bridge")
    site.page("/news/bridge", render_page(editions[0], FIRST_EDITION, 1))
    assert run("add", url, "--source", source).exit_code == 0
    for number, story in enumerate(editions):
        site.page("/news/bridge", render_page(story, FIRST_EDITION, number + 1))
        checked = run("check", url)
        assert checked.exit_code == 0, checked.output
    return url


def payloads(receiver: Receiver) -> list[dict[str, Any]]:
    return [json.loads(received.body) for received in receiver.received]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content.replace("\r\n", "\n")


def as_shaped(shape: Shape[Any], document: Any) -> Any:
    """``document`` (a JSON object, or a list of them), checked against ``shape``'s schema."""
    schema = {"$ref": shape.ref()["$ref"], "components": {"schemas": shapes.schemas([shape])}}
    validator = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
    for item in document if isinstance(document, list) else [document]:
        assert [error.message for error in validator.iter_errors(item)] == []
    return document


def queued(run: Run) -> list[dict[str, Any]]:
    shown = run("notify", "queue", "--json")
    assert shown.exit_code == 0, shown.output
    listed: list[dict[str, Any]] = as_shaped(shapes.DELIVERY, json.loads(shown.stdout))
    return listed


def test_an_edit_sends_one_email_and_one_signed_webhook_with_the_change(
    tmp_path: Path, database_url: str, site: LocalSite, receiver: Receiver, smtp: SMTPServer
) -> None:
    run = cli_runner(tmp_path, database_url, settings(mail_rule(smtp), webhook_rule(receiver)))
    track(run, site, BRIDGE, PRICIER)
    (message,) = smtp.mailbox.messages  # version 0, a new article, told of nothing
    summary = "1 number changed (410 million → 450 million)."
    assert message["Subject"] == f"gazette: {BRIDGE.headline} — {summary}"
    body = text_of(message)
    assert body.startswith(summary)
    assert "Before: " + COST.split(". ")[0] in body  # the changed sentence, as it was
    assert "After: " + COST.replace("410", "450").split(". ")[0] in body
    assert f"{BASE_URL}/articles/1/diff/0/1" in body
    (received,) = receiver.received
    expected = "sha256=" + hmac.new(SECRET.encode(), received.body, hashlib.sha256).hexdigest()
    assert received.headers["x-redline-signature"] == expected
    (payload,) = payloads(receiver)
    assert payload["event"] == "change" and payload["version"] == 1
    assert payload["article"]["source"] == "gazette" and payload["change"]["summary"] == summary
    assert payload["diff_url"] == f"{BASE_URL}/articles/1/diff/0/1"
    assert {"op": "delete", "text": "410"} in payload["diff"]
    assert {"op": "insert", "text": "450"} in payload["diff"]
    assert queued(run) == []  # both sent: nothing left waiting


def test_the_check_says_what_it_sent(
    tmp_path: Path, database_url: str, site: LocalSite, receiver: Receiver
) -> None:
    run = cli_runner(tmp_path, database_url, settings(webhook_rule(receiver)))
    url = track(run, site, BRIDGE)
    site.page("/news/bridge", render_page(PRICIER, FIRST_EDITION, 2))
    said = as_shaped(shapes.CHECK_REPORT, json.loads(run("check", url, "--json").stdout))
    assert said["notifications"] == {"sent": 1, "retrying": 0, "given_up": 0}
    site.page("/news/bridge", render_page(DEARER, FIRST_EDITION, 3))
    assert "notifications: 1 sent" in run("check", url).stdout


def test_each_rules_filters_hold(
    tmp_path: Path, database_url: str, site: LocalSite, receiver: Receiver
) -> None:
    rules = [
        webhook_rule(receiver, "significant", "min_significance = 0.3"),
        webhook_rule(receiver, "headlines", 'kinds = ["headline"]'),
        webhook_rule(receiver, "herald", 'sources = ["herald"]'),
        webhook_rule(receiver, "everything"),
        webhook_rule(receiver, "newcomers", "on_new_article = true"),
    ]
    run = cli_runner(tmp_path, database_url, settings(*rules))
    track(run, site, BRIDGE, TYPO, PRICIER, RENAMED)
    listed = as_shaped(shapes.RULE_INFO, json.loads(run("notify", "list", "--json").stdout))
    by_rule = {rule["name"]: rule for rule in listed}
    assert list(by_rule) == ["significant", "headlines", "herald", "everything", "newcomers"]
    versions = sorted((payload["event"], payload["version"]) for payload in payloads(receiver))
    # version 0 to newcomers alone; the typo (1) to everything and newcomers; the number (2)
    # to significant too; the headline (3) to headlines as well; nothing to herald
    expected = [("change", 1)] * 2 + [("change", 2)] * 3 + [("change", 3)] * 4
    assert versions == expected + [("new_article", 0)]
    assert by_rule["herald"]["last_delivery"] is None
    assert by_rule["significant"]["last_delivery"]["changes"] == [{"article_id": 1, "version": 3}]
    assert by_rule["headlines"]["last_delivery"]["changes"] == [{"article_id": 1, "version": 3}]
    assert by_rule["newcomers"]["last_delivery"]["status"] == "sent"


def test_a_typo_fix_sends_nothing_to_a_significance_rule(
    tmp_path: Path, database_url: str, site: LocalSite, smtp: SMTPServer
) -> None:
    run = cli_runner(
        tmp_path, database_url, settings(mail_rule(smtp, more="min_significance = 0.3"))
    )
    track(run, site, BRIDGE, TYPO)
    assert smtp.mailbox.messages == []
    assert queued(run) == []
    listed = json.loads(run("notify", "list", "--json").stdout)
    assert listed[0]["last_delivery"] is None and listed[0]["min_significance"] == 0.3


def test_a_digest_rule_sends_one_message_for_several_changes(
    tmp_path: Path, database_url: str, site: LocalSite, smtp: SMTPServer, receiver: Receiver
) -> None:
    rules = (mail_rule(smtp, more='digest = "1h"'), webhook_rule(receiver, more='digest = "1h"'))
    run = cli_runner(tmp_path, database_url, settings(*rules))
    track(run, site, BRIDGE, PRICIER, DEARER, RENAMED)
    assert smtp.mailbox.messages == [] and receiver.received == []  # the hour is not over
    waiting = sorted(queued(run), key=lambda entry: entry["rule"])
    assert [(entry["rule"], entry["digest"], entry["status"]) for entry in waiting] == [
        ("bot", True, "pending"),
        ("desk", True, "pending"),
    ]
    assert waiting[0]["changes"] == [{"article_id": 1, "version": n} for n in (1, 2, 3)]
    assert (
        "  tells of: a digest every 1h\n  last delivery: pending " in run("notify", "list").stdout
    )
    sent = run("notify", "retry")  # sends now what would go at the end of the hour
    assert sent.stdout == "notifications: 2 sent\n"
    (message,) = smtp.mailbox.messages
    assert message["Subject"] == "redline: 3 changes — gazette"
    body = text_of(message)
    assert "450 million" in body and "480 million" in body and "Council approves" in body
    (payload,) = payloads(receiver)
    assert payload["event"] == "digest"
    assert [change["version"] for change in payload["changes"]] == [1, 2, 3]


def test_a_receiver_down_gets_the_delivery_once_it_is_back_with_the_same_id(
    tmp_path: Path, database_url: str, site: LocalSite
) -> None:
    port = free_port()
    rule = f'name = "bot"\nwebhook = "http://127.0.0.1:{port}/hook"'
    run = cli_runner(tmp_path, database_url, settings(rule))
    track(run, site, BRIDGE, PRICIER)
    (waiting,) = queued(run)
    assert (waiting["status"], waiting["attempts"]) == ("pending", 1)
    assert waiting["last_error_kind"] == "delivery_connect"
    assert "cannot reach the webhook" in waiting["last_error"]
    status = json.loads(run("status", "--json").stdout)["notifications"]
    assert (status["pending"], status["retrying"], status["failed"]) == (1, 1, 0)
    with webhook_receiver(port) as back:
        back.status = 503  # up, but failing: still retried
        assert "1 failed (to retry" in run("notify", "retry").stdout
        back.status = 204
        assert run("notify", "retry").stdout == "notifications: 1 sent\n"
    first, second = payloads(back)
    assert first["id"] == second["id"] == waiting["id"]
    assert second["version"] == 1 and second["change"]["numbers"][0]["new"] == "450 million"
    assert queued(run) == []


def test_the_back_off_waits_and_then_the_next_check_sends(
    database_url: str, site: LocalSite, clock: Clock, tmp_path: Path
) -> None:
    port = free_port()
    config_file = tmp_path / "redline.toml"
    config_file.write_text(settings(f'name = "bot"\nwebhook = "http://127.0.0.1:{port}/hook"'))
    redline = Redline.open(database_url, load_config(config_file), clock=clock)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), obj=Opener(None, None, redline=redline))

    try:
        site.page("/news/bridge", render_page(BRIDGE, FIRST_EDITION, 1))
        invoke("add", site.url("/news/bridge"))
        invoke("check")
        site.page("/news/bridge", render_page(PRICIER, FIRST_EDITION, 2))
        clock.advance(hours=1)
        assert "1 failed (to retry" in invoke("check", "--all").stdout  # back-off: 1 minute
        with webhook_receiver(port) as back:
            clock.advance(seconds=30)
            assert "notifications" not in invoke("check").stdout  # not yet due
            assert back.received == []
            clock.advance(seconds=31)
            assert "notifications: 1 sent" in invoke("check").stdout
        assert len(back.received) == 1
    finally:
        redline.close()


def test_a_delivery_given_up_raises_an_alarm_until_retried(
    tmp_path: Path, database_url: str, site: LocalSite
) -> None:
    port = free_port()
    rule = f'name = "bot"\nwebhook = "http://127.0.0.1:{port}/hook"'
    run = cli_runner(tmp_path, database_url, settings(rule, extra="[delivery]\nmax_attempts = 2\n"))
    track(run, site, BRIDGE, PRICIER)
    assert "given up" in run("notify", "retry").stdout  # the second attempt, the last
    (failed,) = queued(run)
    assert (failed["status"], failed["attempts"]) == ("failed", 2)
    shown = run("status")
    assert "ALARM notifications: 1 notification(s) given up (rule 'bot': " in shown.stdout
    assert "redline notify retry" in shown.stdout
    report = as_shaped(shapes.STATUS_REPORT, json.loads(run("status", "--json").stdout))
    assert report["notifications"]["failed"] == 1 and report["notifications"]["alarms"]
    assert report["sources"][0]["source"] == "gazette"
    with webhook_receiver(port) as back:
        assert run("notify", "retry").stdout == "notifications: 1 sent\n"
    assert [payload["id"] for payload in payloads(back)] == [failed["id"]]
    assert json.loads(run("status", "--json").stdout)["notifications"]["alarms"] == []


def test_a_private_address_webhook_is_refused_naming_the_setting(
    tmp_path: Path, database_url: str, receiver: Receiver
) -> None:
    guarded = f'[web]\nbase_url = "{BASE_URL}"\n\n[[notify]]\n{webhook_rule(receiver)}\n'
    run = cli_runner(tmp_path, database_url, guarded)
    refused = run("notify", "test", "bot")
    assert refused.exit_code == 2 and receiver.received == []
    assert refused.stderr.startswith("redline: error: notify rule 'bot': ")
    assert "allow_private_networks" in refused.stderr and refused.stderr.count("\n") == 1


def test_notify_test_sends_a_sample_and_list_masks_the_secrets(
    tmp_path: Path, database_url: str, receiver: Receiver, smtp: SMTPServer
) -> None:
    password_rule = (
        'name = "desk"\nurls = ["mailtos://user:hunter2@smtp.example.com?to=a@b.example"]'
    )
    run = cli_runner(tmp_path, database_url, settings(webhook_rule(receiver), password_rule))
    sent = run("notify", "test", "bot")
    assert sent.exit_code == 0 and sent.stdout == "sent a test message to rule 'bot'\n"
    (payload,) = payloads(receiver)
    assert payload["event"] == "test"
    listed = run("notify", "list")
    assert "hunter2" not in listed.output and SECRET not in listed.output
    assert "/hook" not in listed.output  # a webhook's path may hold a token
    assert "bot: http://127.0.0.1:" in listed.stdout and "desk: mailtos://user:" in listed.stdout
    unknown = run("notify", "test", "nobody")
    assert unknown.exit_code == 2
    assert "no [[notify]] rule named 'nobody' (the config has: 'bot', 'desk')" in unknown.stderr


def test_a_rule_without_base_url_links_to_the_article_and_says_so(
    tmp_path: Path, database_url: str, site: LocalSite, receiver: Receiver
) -> None:
    run = cli_runner(
        tmp_path, database_url, LOOPBACK_CONFIG + f"[[notify]]\n{webhook_rule(receiver)}\n"
    )
    url = track(run, site, BRIDGE, PRICIER)
    (payload,) = payloads(receiver)
    assert payload["diff_url"] is None and payload["article"]["url"] == url
    assert "[web] base_url is not set" in run("notify", "list").stderr


def test_a_check_killed_while_sending_leaves_the_delivery_to_the_next_run(
    tmp_path: Path, site: LocalSite, receiver: Receiver
) -> None:
    """``kill -9`` after the version is stored and while its notification is in flight:
    the receiver holds the POST open, so the check is dead before it records the send."""
    database = f"sqlite:///{tmp_path / 'killed.db'}"
    config = tmp_path / "redline.toml"
    config.write_text(settings(webhook_rule(receiver)))

    def command(*args: str) -> list[str]:
        return [sys.executable, "-m", "redline", "--db", database, "--config", str(config), *args]

    site.page("/news/bridge", render_page(BRIDGE, FIRST_EDITION, 1))
    subprocess.run(command("add", site.url("/news/bridge")), check=True)
    subprocess.run(command("check"), check=True, capture_output=True)
    site.page("/news/bridge", render_page(PRICIER, FIRST_EDITION, 2))
    receiver.delay = 120  # the first POST hangs
    checking = subprocess.Popen(
        command("check", "--all"), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60  # a guard against a hang, not a measurement
    while not receiver.received and time.monotonic() < deadline and checking.poll() is None:
        time.sleep(0.05)
    assert len(receiver.received) == 1
    checking.send_signal(signal.SIGKILL)
    checking.communicate(timeout=30)
    receiver.delay = 0
    run = cli_runner(tmp_path, database, settings(webhook_rule(receiver)))
    (waiting,) = queued(run)  # stored, not recorded as sent: its lease is a dead process's
    assert waiting["status"] == "pending" and waiting["attempts"] == 0
    again = subprocess.run(command("check"), check=True, capture_output=True, text=True)
    assert "notifications: 1 sent" in again.stdout
    first, second = payloads(receiver)
    assert first["id"] == second["id"] == waiting["id"] and second["version"] == 1
    assert [
        version["number"] for version in json.loads(run("show", "1", "--json").stdout)["versions"]
    ] == [0, 1]  # noqa: E501
    assert queued(run) == []


@pytest.mark.postgres
def test_two_postgres_workers_retrying_at_once_send_each_delivery_once(
    tmp_path: Path, database_url: str, site: LocalSite
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("on SQLite the run lock lets one sender in at a time")
    port = free_port()
    config = tmp_path / "redline.toml"
    config.write_text(settings(f'name = "bot"\nwebhook = "http://127.0.0.1:{port}/hook"'))
    run = cli_runner(tmp_path, database_url, config.read_text())
    paths = [f"/news/{number}" for number in range(8)]
    for path in paths:
        site.page(path, render_page(BRIDGE, FIRST_EDITION, 1))
    assert run("add", *(site.url(path) for path in paths)).exit_code == 0
    assert run("check").exit_code == 0
    for path in paths:
        site.page(path, render_page(PRICIER, FIRST_EDITION, 2))
    assert "1 failed (to retry" in run("check", "--all").stdout  # the rest wait their turn
    assert len(queued(run)) == 8
    command = [sys.executable, "-m", "redline", "--db", database_url, "--config", str(config)]
    with webhook_receiver(port) as back:
        back.delay = 0.2  # slow enough that the two workers overlap
        retry = [*command, "notify", "retry"]
        workers = [
            subprocess.Popen(retry, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [worker.communicate(timeout=120) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    ids = [payload["id"] for payload in payloads(back)]
    assert len(ids) == 8 and len(set(ids)) == 8
    assert queued(run) == []
