"""`peerpath serve`: the web server with a task worker and the periodic scheduler beside it.

Works on whatever database DATABASE_URL names. The worker (`db_worker`) runs background tasks
such as outbox delivery; the scheduler (`crontask`) enqueues the periodic ones. Both are child
processes that stop with the server.
"""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve PeerPath with a background worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Serve only; run `peerpath db_worker` elsewhere.",
        )

    def handle(self, *args, host, port, threads, no_worker, **options):
        from waitress import serve

        from config.wsgi import application

        call_command("collectstatic", interactive=False, verbosity=0)
        children: list[subprocess.Popen] = []
        if not no_worker:
            peerpath = [sys.executable, "-m", "peerpath.cli.main"]
            env = dict(
                os.environ,
                DJANGO_SETTINGS_MODULE=os.environ.get(
                    "DJANGO_SETTINGS_MODULE", "config.settings.base"
                ),
            )
            children.append(
                subprocess.Popen(
                    [*peerpath, "db_worker", "--interval", "1", "--queue-name", "*"], env=env
                )
            )
            children.append(subprocess.Popen([*peerpath, "crontask", "--no-heartbeat"], env=env))

        def stop(signum=None, frame=None):
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
            if signum is not None:
                raise SystemExit(0)

        signal.signal(signal.SIGTERM, stop)
        db = settings.DATABASES["default"]
        self.stdout.write(
            self.style.SUCCESS(
                f"PeerPath on http://{host}:{port}/  (database: {db['ENGINE'].rsplit('.', 1)[-1]}"
                f" {db.get('NAME')}; worker: {'separate' if no_worker else 'beside the server'})"
            )
        )
        try:
            serve(application, host=host, port=port, threads=threads, _quiet=True)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
