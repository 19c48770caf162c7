"""Delivery survives what happens in production: a worker killed with SIGKILL in the middle
of a large batch (real subprocesses on a database file or PostgreSQL), and an SMTP server that
goes away for a while. Every message arrives; the only repeats are the ones in flight at the
moment of the kill, with the same Message-ID."""

import collections
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from peerpath.messaging.models import OutboxMessage
from peerpath.messaging.services import outbox_deliver_due, outbox_enqueue, outbox_enqueue_many
from tests.factories import UserFactory
from tests.smtp import SmtpServer

ROOT = Path(settings.BASE_DIR)
FLUSH = 10


def _queue(n: int) -> None:
    from peerpath.accounts.models import User

    User.objects.bulk_create(
        [User(email=f"crash-{i:04d}@example.org", username=f"crash-{i:04d}") for i in range(n)]
    )
    users = User.objects.filter(email__startswith="crash-").order_by("email")
    # Due a moment from now, so that nothing is delivered on commit in this process.
    due = timezone.now() + dt.timedelta(seconds=1)
    outbox_enqueue_many(
        [
            {"key": f"crash:{u.pk}", "kind": "signin_link", "recipient": u, "due_at": due}
            for u in users
        ]
    )
    time.sleep(1.1)


class Database:
    """The test database as a subprocess sees it: a file copy of SQLite, or PostgreSQL."""

    def __init__(self, tmp_path: Path):
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.path = tmp_path / "outbox.sqlite3"
            target = sqlite3.connect(self.path)
            connection.ensure_connection()
            connection.connection.backup(target)
            target.close()
            self.url = f"sqlite:///{self.path}"
        else:
            db = connection.settings_dict
            self.url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"

    def rows(self) -> list[tuple[int, str, str]]:
        query = "SELECT id, status, message_id FROM messaging_outboxmessage ORDER BY id"
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path) as db:
                return db.execute(query).fetchall()
        return list(OutboxMessage.objects.order_by("id").values_list("id", "status", "message_id"))


def _worker(db: Database, smtp_port: int, tmp_path: Path) -> subprocess.Popen:
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL=db.url,
        PEERPATH_VAR_DIR=str(tmp_path / "var"),
        PEERPATH_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}",
        PEERPATH_OUTBOX_BATCH="50",
        PEERPATH_OUTBOX_FLUSH=str(FLUSH),
        PEERPATH_OUTBOX_CLAIM_TIMEOUT="2",
        PEERPATH_LOG_LEVEL="ERROR",
    )
    env.pop("PEERPATH_TEST_DB_NAME", None)
    return subprocess.Popen(
        [sys.executable, "-m", "peerpath.cli.main", "mail", "deliver"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_then_restarted_delivers_everything_repeating_only_in_flight(
    tmp_path,
):
    total = 600
    _queue(total)
    db = Database(tmp_path)
    with SmtpServer() as server:
        worker = _worker(db, server.port, tmp_path)
        deadline = time.monotonic() + 60
        while len(server.received) < 150 and time.monotonic() < deadline:
            if worker.poll() is not None:
                pytest.fail(
                    f"the worker ended early: {worker.stdout.read()} {worker.stderr.read()}"
                )
            time.sleep(0.005)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        assert worker.returncode == -signal.SIGKILL
        killed_at = len(server.received)
        assert killed_at < total, "the worker finished before it could be killed"
        in_flight = {row[2] or f"id:{row[0]}" for row in db.rows() if row[1] == "sending"}
        time.sleep(2.2)  # the dead worker's claims expire
        restarted = _worker(db, server.port, tmp_path)
        out, err = restarted.communicate(timeout=120)
        assert restarted.returncode == 0, err
        ids = [r.message["Message-ID"] for r in server.received]
        rows = db.rows()
    assert {status for _, status, _ in rows} == {"sent"}
    expected = {message_id for _, _, message_id in rows}
    assert set(ids) == expected and len(expected) == total  # every message arrived
    repeats = {mid for mid, n in collections.Counter(ids).items() if n > 1}
    # the only repeats were in flight (claimed, sent, outcome not yet written) at the kill
    assert len(repeats) <= FLUSH
    stable_ids = {mid for _, status, mid in rows}
    assert repeats <= stable_ids
    from peerpath.messaging.services import stable_message_id

    in_flight_ids = {
        stable_message_id(OutboxMessage(pk=row_id, kind="signin_link"))
        for row_id, _, _ in rows
        if f"id:{row_id}" in in_flight
    } | {m for m in in_flight if m.startswith("<")}
    assert repeats <= in_flight_ids


@pytest.mark.django_db
def test_messages_wait_while_the_smtp_server_is_away_and_go_out_when_it_returns(settings):
    users = [UserFactory() for _ in range(5)]
    server = SmtpServer()
    port = server.port
    settings.MAILERS = server.mailers_setting()
    for n, user in enumerate(users):
        outbox_enqueue(key=f"away-{n}", kind="signin_link", recipient=user)
    # the server is not running: nothing can be sent, nothing is lost
    counts = outbox_deliver_due()
    assert counts["sent"] == 0 and counts["retry"] == 5 and counts["failed"] == 0
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"pending"}
    assert all(
        "Connection" in e or "not tried" in e
        for e in OutboxMessage.objects.values_list("last_error", flat=True)
    )
    # hours later, still away: still waiting, never failed
    for hours in (1, 3, 8):
        with time_machine.travel(timezone.now() + dt.timedelta(hours=hours), tick=False):
            outbox_deliver_due()
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"pending"}
    back = SmtpServer()
    back.port = port
    from aiosmtpd.controller import Controller

    back.controller = Controller(back.handler, hostname="127.0.0.1", port=port)
    with back, time_machine.travel(timezone.now() + dt.timedelta(hours=9), tick=False):
        counts = outbox_deliver_due()
    assert counts["sent"] == 5
    assert sorted(r.rcpt_tos[0] for r in back.received) == sorted(u.email for u in users)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
