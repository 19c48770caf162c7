"""Benchmark of the mechanical scheduler: plan, render and deliver one personalised weekly mail
(text and HTML) to each of N learners, to an aiosmtpd server on loopback in its own process.

Prints messages per second for
  (a) a naive baseline: one EmailMultiAlternatives per message, rendered one by one and sent
      through Django's SMTP backend (a new connection each), measured on a sample;
  (b) the SMTP server's own limit here: pre-built messages sent over one connection;
  (c) PeerPath's real path: outbox rows planned by `run_weekly_messages_plan`, delivered by
      `peerpath mail deliver` worker processes (claims, batch rendering, kept-open connection,
      recorded outcomes);
and the time to plan the week's rows. Every message of (c) must arrive exactly once.

    .venv/bin/python benchmarks/mail.py --learners 10000
    .venv/bin/python benchmarks/mail.py --learners 100000 --database postgres
    .venv/bin/python benchmarks/mail.py --learners 100000 --smtp 127.0.0.1:2525   # (c) only

Targets at N = 100,000: (c) >= 3 x (a) and >= 60% of (b); planning <= 10 s.
"""

import argparse
import json
import os
import re
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


# --- the SMTP server, in its own process --------------------------------------------------


def serve(port: int) -> None:
    """Run aiosmtpd on loopback; on SIGTERM print what arrived as JSON and stop."""
    import threading

    from aiosmtpd.controller import Controller

    counts = {"received": 0}
    ids: dict[bytes, int] = {}
    lock = threading.Lock()

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            found = MESSAGE_ID.search(envelope.original_content or envelope.content)
            with lock:
                counts["received"] += 1
                if found:
                    key = found.group(1)
                    ids[key] = ids.get(key, 0) + 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    print("ready", flush=True)
    done.wait()
    controller.stop()
    print(
        json.dumps(
            {
                "received": counts["received"],
                "unique": len(ids),
                "repeated": sum(1 for n in ids.values() if n > 1),
            }
        ),
        flush=True,
    )


class Server:
    def __init__(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(self.port)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready"

    def stop(self) -> dict:
        self.process.send_signal(signal.SIGTERM)
        out, _ = self.process.communicate(timeout=60)
        return json.loads(out.strip().splitlines()[-1])


# --- the database and the population ------------------------------------------------------


def setup_django(database: str, workdir: Path) -> dict:
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "PEERPATH_VAR_DIR": str(workdir / "var"),
        "PEERPATH_LOG_LEVEL": "ERROR",
        "PEERPATH_SITE_URL": "https://peerpath.example.org",
    }
    if database == "postgres":
        import psycopg

        base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        name = "bench_mail"
        with psycopg.connect(base.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + name
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


def populate(n: int):
    import datetime as dt

    from django.utils import timezone

    from peerpath.accounts.models import User
    from peerpath.courses.models import Activity, Course, Module, Run
    from peerpath.enrollment.models import Enrolment
    from peerpath.grouping.models import GroupMembership, StudyGroup
    from peerpath.meetings.models import Meeting

    zones = ["Europe/Oslo", "America/Chicago", "Asia/Tokyo", "Europe/Paris", "Asia/Kolkata"]
    course = Course.objects.create(slug="bench", title="A Gentle Introduction to Python")
    module = Module.objects.create(
        course=course,
        position=1,
        slug="m1",
        title="Variables and types",
        summary="Names, values and the types of values.",
        discussion_tasks="- What surprised you?\n- One question for the group",
    )
    for i, title in enumerate(["Read: variables", "Watch: types", "Do: exercises 1-5"]):
        Activity.objects.create(
            module=module,
            position=i + 1,
            slug=f"a{i}",
            title=title,
            url=f"https://example.org/python/{i}",
            minutes=20 + 10 * i,
        )
    today = timezone.now().date()
    run = Run.objects.create(
        course=course, slug="bench-run", title="Python, spring", starts_on=today, status="running"
    )
    users = [
        User(
            email=f"learner{i:06d}@bench.example.org",
            username=f"learner{i:06d}",
            display_name=f"Learner {i}",
            timezone=zones[i % len(zones)],
        )
        for i in range(n)
    ]
    User.objects.bulk_create(users, batch_size=5000)
    users = list(User.objects.filter(email__endswith="@bench.example.org").order_by("pk"))
    now = timezone.now()
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                run=run,
                user=u,
                status="confirmed",
                timezone=u.timezone,
                language="en",
                confirmed_at=now,
            )
            for u in users
        ],
        batch_size=5000,
    )
    enrolments = list(Enrolment.objects.filter(run=run).order_by("pk").values_list("pk", flat=True))
    size = 6
    groups = StudyGroup.objects.bulk_create(
        [
            StudyGroup(run=run, number=g + 1, language="en", hour_utc=18, status="published")
            for g in range((n + size - 1) // size)
        ],
        batch_size=5000,
    )
    groups = list(StudyGroup.objects.filter(run=run).order_by("number"))
    GroupMembership.objects.bulk_create(
        [
            GroupMembership(group=groups[i // size], enrolment_id=e)
            for i, e in enumerate(enrolments)
        ],
        batch_size=5000,
    )
    start = dt.datetime.combine(today + dt.timedelta(days=2), dt.time(18), tzinfo=dt.UTC)
    Meeting.objects.bulk_create(
        [
            Meeting(
                group=g,
                module=module,
                week=1,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1),
                leader_id=enrolments[k * size],
            )
            for k, g in enumerate(groups)
        ],
        batch_size=5000,
    )
    return run


# --- the three measurements ---------------------------------------------------------------


def naive(sample_ids, port: int) -> float:
    """(a) render one by one and send each through Django's SMTP backend (new connection)."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string

    from peerpath.messaging.kinds import build_weekly_module
    from peerpath.messaging.models import OutboxMessage

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 20},
        }
    }
    started = time.perf_counter()
    for message in OutboxMessage.objects.filter(pk__in=sample_ids).select_related("recipient"):
        context = build_weekly_module(message)
        context["recipient"] = message.recipient
        subject = render_to_string("messaging/email/weekly_module.subject.txt", context)
        text = render_to_string("messaging/email/weekly_module.txt", context)
        html = render_to_string("messaging/email/weekly_module.html", context)
        email = EmailMultiAlternatives(
            " ".join(subject.split()),
            text,
            settings.DEFAULT_FROM_EMAIL,
            [message.to_email],
            headers={"Message-ID": f"<naive.{message.pk}@bench>"},
        )
        email.attach_alternative(html, "text/html")
        email.send()
    return len(sample_ids) / (time.perf_counter() - started)


def prebuilt(count: int, port: int) -> float:
    """(b) the same kind of message, built beforehand, over one connection."""
    import email.policy

    from django.core.mail import EmailMultiAlternatives

    from peerpath.messaging.models import OutboxMessage

    sample = OutboxMessage.objects.filter(status="sent").exclude(body_html="").first()
    base = EmailMultiAlternatives(sample.subject, sample.body_text, "courses@bench", ["x@bench"])
    base.attach_alternative(sample.body_html, "text/html")
    template = base.message(policy=email.policy.SMTP).as_bytes()
    messages = [
        (
            f"learner{i:06d}@bench.example.org",
            template.replace(
                b"To: x@bench",
                f"To: learner{i:06d}@bench.example.org\r\nMessage-ID: <pre.{i}@bench>".encode(),
            ),
        )
        for i in range(count)
    ]
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as client:
        for to, raw in messages:
            client.sendmail("courses@bench", [to], raw)
    return count / (time.perf_counter() - started)


def peerpath_path(env: dict, n: int, workers: int, smtp: str) -> tuple[float, dict]:
    """(c) worker processes running `peerpath mail deliver` until every row is sent."""
    from peerpath.messaging.models import OutboxMessage

    worker_env = dict(os.environ, **env, PEERPATH_SMTP_URL=f"smtp://{smtp}")
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "peerpath.cli.main", "mail", "deliver"],
            cwd=ROOT,
            env=worker_env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(workers)
    ]
    outputs = [p.communicate()[0].strip() for p in procs]
    elapsed = time.perf_counter() - started
    sent = OutboxMessage.objects.filter(kind="weekly_module", status="sent").count()
    return n / elapsed, {"sent": sent, "workers": outputs, "seconds": round(elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--smtp", help="HOST:PORT: run only (c), delivering there")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--sample", type=int, default=2000, help="messages of the naive baseline (a), which is slow"
    )
    parser.add_argument("--plan-only", action="store_true", help="stop after planning")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    if args.serve:
        serve(args.serve)
        return
    n = args.learners
    with tempfile.TemporaryDirectory() as tmp:
        env = setup_django(args.database, Path(tmp))
        from django.utils import timezone

        from peerpath.messaging.models import OutboxMessage
        from peerpath.messaging.plan import run_weekly_messages_plan

        t = time.perf_counter()
        run = populate(n)
        print(
            f"{n:,} learners in {n // 6 + (n % 6 > 0):,} groups created "
            f"in {time.perf_counter() - t:.1f} s ({args.database})"
        )
        t = time.perf_counter()
        planned = run_weekly_messages_plan(run=run, weeks=[1])
        plan_seconds = time.perf_counter() - t
        print(
            f"planning: {planned:,} weekly rows in {plan_seconds:.2f} s "
            f"(target <= 10 s at 100,000: {'met' if plan_seconds <= 10 else 'NOT met'})"
        )
        if args.plan_only:
            return
        # every row due now, whatever the local window, so that delivery is measured alone
        OutboxMessage.objects.update(due_at=timezone.now(), window_start=None, window_end=None)

        rate_a = rate_b = None
        if not args.smtp:
            sample = list(
                OutboxMessage.objects.order_by("?").values_list("pk", flat=True)[: args.sample]
            )
            server = Server()
            rate_a = naive(sample, server.port)
            stats = server.stop()
            print(
                f"(a) naive, {len(sample):,} messages: {rate_a:,.0f} msg/s "
                f"(received {stats['received']:,})"
            )
        server = None if args.smtp else Server()
        target = args.smtp or f"127.0.0.1:{server.port}"
        rate_c, info = peerpath_path(env, n, args.workers, target)
        line = f"(c) PeerPath, {args.workers} workers: {rate_c:,.0f} msg/s, {info['sent']:,} sent"
        if server is not None:
            stats = server.stop()
            once = stats["received"] == n and stats["unique"] == n and stats["repeated"] == 0
            line += (
                f"; server received {stats['received']:,}, {stats['unique']:,} distinct, "
                f"{stats['repeated']} repeated -> {'exactly once' if once else 'NOT once'}"
            )
        print(line)
        if args.smtp:
            return
        server = Server()
        rate_b = prebuilt(n, server.port)
        stats = server.stop()
        print(
            f"(b) SMTP server limit, {n:,} pre-built over one connection: {rate_b:,.0f} msg/s "
            f"(received {stats['received']:,})"
        )
        print(
            f"ratios: (c)/(a) = {rate_c / rate_a:.1f}x (target >= 3x: "
            f"{'met' if rate_c >= 3 * rate_a else 'NOT met'}); (c)/(b) = "
            f"{100 * rate_c / rate_b:.0f}% (target >= 60%: "
            f"{'met' if rate_c >= 0.6 * rate_b else 'NOT met'})"
        )


if __name__ == "__main__":
    main()
