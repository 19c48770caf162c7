"""Run the LRS against statement test cases nobody on this project wrote.

Learning Locker's `@learninglocker/xapi-validation` (npm) ships its test corpus: 8,924
statements, each marked valid or invalid by that project's authors, grouped by the property
they exercise. This script installs the package with npm (into var/xapi-conformance), lists
the cases with Node, starts `peerpath serve` on a fresh database, POSTs every case over HTTP as
an xAPI 1.0.3 client and counts the verdicts: a valid statement must be stored (200), an
invalid one refused with 400 and nothing stored.

Where the two disagree the case is printed with the LRS's message, so that each difference can
be traced to the spec; a few are known places where that corpus is stricter or looser than the
spec (KNOWN_DIFFERENCES says which and why).

    .venv/bin/python -m peerpath.xapi.conformance.run [--database postgres] [--show 40]
"""

import argparse
import base64
import collections
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
PACKAGE = "@learninglocker/xapi-validation@3.0.0"
UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)

# Where the corpus and the xAPI 1.0.3 text part ways, the LRS follows the spec. Each entry:
# (why, pattern the LRS's 400 message matches). All concern statements the corpus calls valid.
KNOWN_DIFFERENCES = [
    (
        "Data 2.4.2.2: a Group MUST NOT contain Group Objects in its member property",
        re.compile(r"member\[\d+\]\.objectType: must be 'Agent', not 'Group'"),
    ),
    (
        "Data 2.4.2.2 makes objectType 'Group' required for a Group, and Data 2.4.6 makes "
        "context.team a Group: a team without objectType is an Agent",
        re.compile(r"team\.objectType: must be 'Group'"),
    ),
    (
        "Data 2.4.11: sha2 is the SHA-2 hash of the attachment ('test' is none)",
        re.compile(r"sha2: must be a SHA-2 hash"),
    ),
    (
        "RFC 3987 (which xAPI's IRIs follow) does not allow '\"' in an IRI; the corpus uses "
        "such an IRI to time a regular expression",
        re.compile(r"must be an absolute IRI with a scheme, not 'https://some\.strange\.test/"),
    ),
    (
        "Data 4.5: a timestamp is a date and time; '2017-01-01' and '20170101' have no time",
        re.compile(r"timestamp like .*, not '(2017-01-01|20170101)'"),
    ),
]


def known_difference(case: dict, status: int, text: str) -> str | None:
    if not case["valid"] or status != 400:
        return None
    return next((why for why, pattern in KNOWN_DIFFERENCES if pattern.search(text)), None)


def corpus(work: Path) -> list[dict]:
    modules = work / "node_modules"
    if not (modules / "@learninglocker" / "xapi-validation").exists():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("npm is needed to install the conformance corpus")
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(work), PACKAGE, "mocha"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    output = subprocess.run(
        ["node", str(HERE / "learning_locker_corpus.js")],
        cwd=work,
        env=dict(os.environ, NODE_PATH=str(modules)),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output)


def fresh_ids(statement):
    """Give each case its own statement id, so that cases never collide with one another."""
    if isinstance(statement, dict) and isinstance(statement.get("id"), str):
        if UUID_RE.match(statement["id"]):
            statement = dict(statement, id=str(uuid.uuid4()))
    return statement


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def peerpath(env, *args) -> str:
    command = [sys.executable, "-m", "peerpath.cli.main", *args]
    return subprocess.run(
        command, env=env, cwd=ROOT, check=True, text=True, capture_output=True
    ).stdout


def database_env(database: str, work: Path) -> dict:
    env = dict(
        os.environ,
        PEERPATH_VAR_DIR=str(work),
        DJANGO_SETTINGS_MODULE="config.settings.base",
        PEERPATH_LOG_LEVEL="ERROR",
    )
    if database == "postgres":
        import psycopg

        url = os.environ.get("PEERPATH_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/test")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute('DROP DATABASE IF EXISTS "peerpath_xapi_conformance"')
            conn.execute('CREATE DATABASE "peerpath_xapi_conformance"')
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/peerpath_xapi_conformance"
    else:
        env["DATABASE_URL"] = f"sqlite:///{work / 'conformance.sqlite3'}"
    return env


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--show", type=int, default=30, help="disagreements to print")
    parser.add_argument("--json", help="write every disagreement to this file")
    parser.add_argument(
        "--version",
        default="1.0.3",
        choices=["1.0.3", "2.0.0"],
        help="the xAPI version the client declares (the corpus was written for 1.0.x)",
    )
    args = parser.parse_args(argv)
    work = ROOT / "var" / "xapi-conformance"
    work.mkdir(parents=True, exist_ok=True)
    cases = corpus(work)
    data = Path(tempfile.mkdtemp(prefix="peerpath-xapi-conformance-"))
    env = database_env(args.database, data)
    peerpath(env, "migrate", "--noinput", "-v", "0")
    credentials = peerpath(env, "xapi", "client", "add", "conformance").strip().splitlines()[-1]
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "peerpath.cli.main", "serve", "--no-worker", "--host", "127.0.0.1"]
        + ["--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    headers = {
        "Authorization": "Basic " + base64.b64encode(credentials.encode()).decode(),
        "X-Experience-API-Version": args.version,
        "Content-Type": "application/json",
    }
    results = collections.Counter()
    disagreements = []
    try:
        conn = None
        for _ in range(300):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("GET", "/xapi/about")
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        started = time.perf_counter()
        for case in cases:
            body = json.dumps(fresh_ids(case["statement"]))
            conn.request("POST", "/xapi/statements", body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
            expected = 200 if case["valid"] else 400
            key = ("valid" if case["valid"] else "invalid", response.status == expected)
            results[key] += 1
            if response.status != expected:
                disagreements.append((case, response.status, text))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                [
                    {
                        "name": c["name"],
                        "valid": c["valid"],
                        "statement": c["statement"],
                        "status": status,
                        "reply": text,
                    }
                    for c, status, text in disagreements
                ],
                indent=1,
            )
        )
    valid = results[("valid", True)] + results[("valid", False)]
    invalid = results[("invalid", True)] + results[("invalid", False)]
    agreed = results[("valid", True)] + results[("invalid", True)]
    print(
        f"{PACKAGE} statement corpus against PeerPath on {args.database}, over HTTP, "
        f"as an xAPI {args.version} client"
    )
    print(f"  {len(cases)} cases in {elapsed:.0f} s")
    print(f"  valid statements stored (200):     {results[('valid', True)]:5} of {valid}")
    print(f"  invalid statements refused (400):  {results[('invalid', True)]:5} of {invalid}")
    print(f"  agreement: {agreed} of {len(cases)} ({100 * agreed / len(cases):.2f} %)")
    explained = collections.Counter()
    unexplained = []
    for case, status, text in disagreements:
        why = known_difference(case, status, text)
        if why:
            explained[why] += 1
        else:
            unexplained.append((case, status, text))
    if explained:
        print(f"  {sum(explained.values())} disagreements where the corpus departs from the spec:")
        for why, count in explained.most_common():
            print(f"    {count:5}  {why}")
    by_name = collections.Counter(d[0]["name"] for d in unexplained)
    print(f"  {len(unexplained)} other disagreements, {len(by_name)} kinds:")
    shown = set()
    for case, status, text in unexplained:
        if case["name"] in shown or len(shown) >= args.show:
            continue
        shown.add(case["name"])
        print(
            f"    [{by_name[case['name']]}×] expected {'200' if case['valid'] else '400'}, "
            f"got {status}: {case['name']}"
        )
        print(f"        {json.dumps(case['statement'])[:300]}")
        print(f"        {text[:200]}")
    return 0 if not unexplained else 1


if __name__ == "__main__":
    raise SystemExit(main())
