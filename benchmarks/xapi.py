"""Benchmark of the xAPI LRS over HTTP on loopback.

Starts `peerpath serve --no-worker` on a free port with a fresh database (migrated, with a client
made by `peerpath xapi client add`), posts statements in batches of 50 from a few client threads,
then times GETs of one page (limit=100) by activity, by agent and by `since`. The request bodies
of each tenth of the run are made before that tenth is timed, so that the figure is the server's
and not this script's JSON writing (client and server share the machine's two cores).

Baseline measured in the same run: the same server storing statements one per POST.

By default the actors are e-mail addresses no PeerPath user has. With `--learners N` they are
the addresses of N learners enrolled in a run, so every statement is tied to a user (as on a
real site) and the index on the statements' users is written on every insert; the run then
also times progress's `last_activity_at` for all N learners, and shows its query plan, with
the index and after dropping it, on the same data. `--index both` loads the store twice, once
without that index and once with it, and prints the two side by side.

    .venv/bin/python benchmarks/xapi.py                      # 20,000 statements on SQLite
    .venv/bin/python benchmarks/xapi.py --size 1000000       # the issue's target size
    .venv/bin/python benchmarks/xapi.py --database postgres  # or: both
    .venv/bin/python benchmarks/xapi.py --learners 20000 --index both --size 500000
"""

import argparse
import base64
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from xapi_learners import in_django, learner_email, print_probe

ROOT = Path(__file__).resolve().parent.parent
BATCH = 50
VERBS = [
    "http://adlnet.gov/expapi/verbs/experienced",
    "http://adlnet.gov/expapi/verbs/attempted",
    "http://adlnet.gov/expapi/verbs/answered",
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/passed",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def peerpath(env, *args, capture=False):
    command = [sys.executable, "-m", "peerpath.cli.main", *args]
    result = subprocess.run(
        command, env=env, cwd=ROOT, check=True, text=True, capture_output=capture
    )
    return result.stdout if capture else ""


def fresh_postgres(url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


class Population:
    """Learners, activities and verbs the statements are drawn from, sized to the run.

    With `learners`, the actors are the e-mails of that many enrolled PeerPath learners;
    otherwise of size/20 agents no PeerPath user has."""

    def __init__(self, size: int, seed: int = 7, learners: int = 0):
        self.random = random.Random(seed)
        if learners:
            self.agents = ["mailto:" + learner_email(n) for n in range(learners)]
        else:
            self.agents = [
                f"mailto:agent{n}@elsewhere.example.org" for n in range(max(size // 20, 10))
            ]
        self.activities = [
            f"https://tool.example.org/activities/{n}" for n in range(max(size // 40, 10))
        ]

    def statement(self) -> dict:
        r = self.random
        stmt = {
            "id": str(uuid.uuid4()),
            "actor": {"objectType": "Agent", "mbox": r.choice(self.agents)},
            "verb": {"id": r.choice(VERBS), "display": {"en-US": "did"}},
            "object": {
                "objectType": "Activity",
                "id": r.choice(self.activities),
                "definition": {"name": {"en-US": "An activity"}},
            },
            "result": {
                "score": {"scaled": round(r.random(), 2)},
                "completion": r.random() < 0.3,
                "duration": "PT5M",
            },
            "context": {
                "registration": str(uuid.uuid4()),
                "contextActivities": {"parent": [{"id": r.choice(self.activities)}]},
            },
            "timestamp": "2026-11-01T10:00:00.000Z",
        }
        return stmt


class Http:
    def __init__(self, port: int, credentials: str):
        self.port = port
        self.headers = {
            "Authorization": "Basic " + base64.b64encode(credentials.encode()).decode(),
            "X-Experience-API-Version": "2.0.0",
            "Content-Type": "application/json",
        }
        self.local = threading.local()

    def request(self, method: str, path: str, body: bytes | None = None):
        try:
            return self._request(method, path, body)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # The server closed an idle keep-alive connection: retry once on a new one
            # (safe: GETs are reads and statements carry their ids).
            return self._request(method, path, body)

    def _request(self, method: str, path: str, body: bytes | None = None):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=self.headers)
            response = conn.getresponse()
            data = response.read()
        except (ConnectionError, OSError, http.client.HTTPException):
            conn.close()
            self.local.conn = None
            raise
        if response.status >= 300:
            raise RuntimeError(f"{method} {path[:80]} -> {response.status}: {data[:300]!r}")
        return data


def make_bodies(population: Population, total: int) -> list[bytes]:
    """The request bodies of `total` statements in batches of 50, made before the clock starts:
    the figure is what the server stores per second, not how fast this script writes JSON."""
    bodies = []
    while total > 0:
        count = min(BATCH, total)
        bodies.append(json.dumps([population.statement() for _ in range(count)]).encode())
        total -= count
    return bodies


def post_batches(http: Http, bodies: list[bytes], total: int, threads: int) -> float:
    """Post the batches (`total` statements) from `threads` threads; return statements/s."""
    lock = threading.Lock()
    queue = list(reversed(bodies))
    errors = []

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                body = queue.pop()
            try:
                http.request("POST", "/xapi/statements", body)
            except Exception as error:  # noqa: BLE001 - reported after the run
                errors.append(error)
                return

    started = time.perf_counter()
    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    last_report = time.monotonic()
    for thread in workers:
        while thread.is_alive():
            thread.join(timeout=1)
            if time.monotonic() - last_report > 15:
                last_report = time.monotonic()
                print(f"    … {len(bodies) - len(queue):,} batches sent", file=sys.stderr)
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return total / elapsed


def post_singles(http: Http, population: Population, total: int) -> float:
    started = time.perf_counter()
    for _ in range(total):
        http.request("POST", "/xapi/statements", json.dumps(population.statement()).encode())
    return total / (time.perf_counter() - started)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU time of the server process and, on PostgreSQL, of the backends serving it.

    The machine is shared: wall-clock rates fall when other work runs, CPU per statement does
    not, so both are printed."""

    def __init__(self, server_pid: int, postgres_url: str | None):
        self.server_pid = server_pid
        self.postgres_url = postgres_url
        self.start = self._now()

    def _backends(self) -> list[int]:
        if not self.postgres_url:
            return []
        import psycopg

        name = self.postgres_url.rsplit("/", 1)[-1]
        with psycopg.connect(self.postgres_url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            ).fetchall()
        return [row[0] for row in rows]

    def _now(self) -> dict[str, dict[int, float]]:
        return {
            "server": {self.server_pid: cpu_seconds(self.server_pid)},
            "database": {pid: cpu_seconds(pid) for pid in self._backends()},
        }

    def used(self) -> dict[str, float]:
        now = self._now()
        return {
            part: sum(cpu - self.start[part].get(pid, 0.0) for pid, cpu in now[part].items())
            for part in now
        }


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def time_gets(http: Http, population: Population, queries: int, since_values: list[str]):
    shapes = {
        "activity": lambda r: {"activity": r.choice(population.activities)},
        "agent": lambda r: {"agent": json.dumps({"mbox": r.choice(population.agents)})},
        "since": lambda r: {"since": r.choice(since_values)},
    }
    rng = random.Random(11)
    results = {}
    for name, params in shapes.items():
        samples, counts = [], []
        for _ in range(queries):
            path = "/xapi/statements?" + urlencode({**params(rng), "limit": 100})
            started = time.perf_counter()
            data = http.request("GET", path)
            samples.append((time.perf_counter() - started) * 1000)
            counts.append(data.count(b'"stored"'))
        results[name] = (*percentiles(samples), statistics.mean(counts))
    return results


def run_one(database: str, args, *, with_index: bool = True) -> dict:
    work = Path(tempfile.mkdtemp(prefix="peerpath-xapi-bench-"))
    env = dict(
        os.environ,
        PEERPATH_VAR_DIR=str(work),
        PEERPATH_DB_CONN_MAX_AGE="600",
        DJANGO_SETTINGS_MODULE="config.settings.base",
        PEERPATH_LOG_LEVEL="WARNING",
    )
    if database == "postgres":
        env["DATABASE_URL"] = fresh_postgres(args.postgres_url, "peerpath_xapi_bench")
    else:
        env["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    tied = f"actors: {args.learners:,} enrolled learners" if args.learners else "actors: no users"
    print(
        f"\n== {database}: {args.size:,} statements, {tied}, "
        f"{'with' if with_index else 'WITHOUT'} the index on users, database in "
        f"{env['DATABASE_URL'].rsplit('@', 1)[-1]}",
        flush=True,
    )
    peerpath(env, "migrate", "--noinput", "-v", "0")
    if args.learners:
        in_django(env, "seed", args.learners)
    if not with_index:
        in_django(env, "drop-index")
    credentials = peerpath(env, "xapi", "client", "add", "benchmark", capture=True)
    credentials = credentials.strip().splitlines()[-1]
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "peerpath.cli.main",
            "serve",
            "--no-worker",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--threads",
            str(args.server_threads),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        http = Http(port, credentials)
        for _ in range(300):
            try:
                http.request("GET", "/xapi/about")
                break
            except (ConnectionError, OSError):
                time.sleep(0.1)
        population = Population(args.size, learners=args.learners)
        baseline = post_singles(http, population, args.baseline)
        since_values = []
        rate = 0.0
        stored = 0
        chunk = max(args.size // 10, BATCH)
        elapsed_rates = []
        load_before = os.getloadavg()
        meter = CpuMeter(server.pid, env["DATABASE_URL"] if database == "postgres" else None)
        while stored < args.size:
            count = min(chunk, args.size - stored)
            since_values.append(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
            bodies = make_bodies(population, count)
            elapsed_rates.append((count, post_batches(http, bodies, count, args.threads)))
            del bodies
            stored += count
            print(
                f"    stored {stored:>9,}: {elapsed_rates[-1][1]:6.0f} statements/s "
                "over the last chunk",
                flush=True,
            )
        rate = sum(c for c, _ in elapsed_rates) / sum(c / r for c, r in elapsed_rates)
        cpu = meter.used()
        load_after = os.getloadavg()
        gets = time_gets(http, population, args.queries, since_values)
        server.terminate()
        server.wait(timeout=30)
        probe = in_django(env, "probe") if args.learners and with_index else None
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    print(f"  baseline, one statement per POST:  {baseline:8.0f} statements/s")
    print(
        f"  batches of {BATCH}, {args.threads} client threads: {rate:8.0f} statements/s "
        f"({rate / baseline:.1f}× the baseline; target ≥ 3,000)"
    )
    per_thousand = {part: 1000 * seconds / args.size for part, seconds in cpu.items()}
    total = sum(per_thousand.values())
    print(
        f"  CPU per 1,000 statements stored: server {per_thousand['server']:.2f} s"
        + (f" + PostgreSQL {per_thousand['database']:.2f} s" if database == "postgres" else "")
        + f" → {1000 / total:,.0f} statements per CPU-second "
        f"(load average {load_before[0]:.1f} before, {load_after[0]:.1f} after storing)"
    )
    for name, (p50, p95, mean_count) in gets.items():
        print(
            f"  GET by {name:<8} limit=100: p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   "
            f"(mean {mean_count:.0f} statements per page; target p95 ≤ 50 ms)"
        )
    if probe:
        print_probe(probe)
    return {
        "rate": rate,
        "baseline": baseline,
        "gets": gets,
        "cpu": per_thousand,
        "with_index": with_index,
    }


def print_side_by_side(database: str, without: dict, with_: dict) -> None:
    print(f"\n== {database}: without the index on users │ with it (same run, same statements)")
    rows = [
        ("statements/s, batches", without["rate"], with_["rate"], "{:,.0f}"),
        ("statements/s, one per POST", without["baseline"], with_["baseline"], "{:,.0f}"),
        ("server CPU s / 1,000 stored", without["cpu"]["server"], with_["cpu"]["server"], "{:.3f}"),
        ("database CPU s / 1,000", without["cpu"]["database"], with_["cpu"]["database"], "{:.3f}"),
    ]
    for name in with_["gets"]:
        rows.append(
            (f"GET by {name} p95 ms", without["gets"][name][1], with_["gets"][name][1], "{:.1f}")
        )
    for label, before, after, shape in rows:
        ratio = f"{after / before:.2f}×" if before else "-"
        print(f"  {label:<30} {shape.format(before):>10} │ {shape.format(after):>10}   {ratio}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000, help="statements to store")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "PEERPATH_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument("--threads", type=int, default=2, help="client threads posting")
    parser.add_argument("--server-threads", type=int, default=8)
    parser.add_argument("--queries", type=int, default=200, help="GETs timed per filter")
    parser.add_argument(
        "--baseline", type=int, default=500, help="statements posted one at a time for the baseline"
    )
    parser.add_argument(
        "--learners",
        type=int,
        default=0,
        help="actors are the e-mails of this many enrolled PeerPath learners (0: no users)",
    )
    parser.add_argument(
        "--index",
        choices=["with", "without", "both"],
        default="with",
        help="the index on the statements' users: as migrated, dropped, or one run of each",
    )
    args = parser.parse_args(argv)
    print(f"xAPI benchmark on {os.cpu_count()} CPUs; server and client share the machine.")
    for database in ["sqlite", "postgres"] if args.database == "both" else [args.database]:
        if args.index == "both":
            without = run_one(database, args, with_index=False)
            with_ = run_one(database, args, with_index=True)
            print_side_by_side(database, without, with_)
        else:
            run_one(database, args, with_index=args.index == "with")


if __name__ == "__main__":
    main()
