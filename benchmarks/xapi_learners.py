"""The PeerPath side of `benchmarks/xapi.py --learners N`: enrolled learners for the
statements' actors, and the timing of progress's `last_activity_at` with and without the index
on the statements' users.

The steps run in a child process on the benchmark's database (`in_django`), so that the
benchmark itself stays a plain HTTP client of the server it starts.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USER_INDEX = "xapi_stmt_user_p"


def learner_email(n: int) -> str:
    return f"learner{n:06d}@bench.example.org"


def in_django(env, step: str, *args) -> dict:
    """Run one of the CHILD_STEPS below in a child process on the benchmark's database."""
    output = subprocess.run(
        [sys.executable, __file__, step, *map(str, args)],
        env=env,
        cwd=ROOT,
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def seed_learners(count: int) -> dict:
    """`count` users, each enrolled (confirmed) in one running run; bulk inserts."""
    from django.utils import timezone

    from peerpath.accounts.models import User
    from peerpath.courses.models import Course, Run
    from peerpath.enrollment.models import Enrolment

    course = Course.objects.create(slug="bench", title="Benchmark course")
    run = Run.objects.create(
        course=course,
        slug="bench-run",
        title="Benchmark run",
        starts_on=timezone.now().date(),
        status="running",
    )
    User.objects.bulk_create(
        [
            User(email=learner_email(n), username=learner_email(n), display_name=f"Learner {n}")
            for n in range(count)
        ],
        batch_size=5000,
    )
    now = timezone.now()
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                run=run,
                user_id=pk,
                status="confirmed",
                timezone="UTC",
                language="en",
                confirmed_at=now,
            )
            for pk in User.objects.filter(email__endswith="@bench.example.org").values_list(
                "pk", flat=True
            )
        ],
        batch_size=5000,
    )
    return {"enrolments": Enrolment.objects.filter(run=run).count()}


def _user_index():
    from peerpath.xapi.models import Statement

    return Statement, next(i for i in Statement._meta.indexes if i.name == USER_INDEX)


def drop_user_index() -> dict:
    from django.db import connection

    model, index = _user_index()
    with connection.schema_editor() as editor:
        editor.remove_index(model, index)
    return {"dropped": index.name}


def probe_last_activity() -> dict:
    """Time last_activity_at for every enrolment, with the index and then without it, and
    show the plan of its statement query (one chunk of 2,000 users) in each case."""
    from django.db import connection
    from django.db.models import Max

    from peerpath.enrollment.models import Enrolment
    from peerpath.progress.selectors import last_activity_at

    model, index = _user_index()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    ids = list(Enrolment.objects.order_by("pk").values_list("pk", flat=True))
    users = list(Enrolment.objects.order_by("pk").values_list("user_id", flat=True)[:2000])
    chunk_query = (
        model.objects.filter(user_id__in=users, voided=False)
        .values("user_id")
        .annotate(at=Max("stored"))
    )
    explain = {"analyze": True} if connection.vendor == "postgresql" else {}
    result = {"enrolments": len(ids), "statements": model.objects.count()}
    for label in ("with", "without"):
        if label == "without":
            drop_user_index()
        latest = last_activity_at(ids)  # warms the cache; each variant is timed warm
        times = []
        for _ in range(3):
            started = time.perf_counter()
            latest = last_activity_at(ids)
            times.append(time.perf_counter() - started)
        result[label] = {
            "seconds": min(times),
            "with_activity": sum(1 for moment in latest.values() if moment is not None),
            "plan": chunk_query.explain(**explain),
        }
    with connection.schema_editor() as editor:
        editor.add_index(model, index)
    return result


CHILD_STEPS = {"seed": seed_learners, "drop-index": drop_user_index, "probe": probe_last_activity}


def child(step: str, args: list[str]) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    print(json.dumps(CHILD_STEPS[step](*map(int, args)), default=str))


def print_probe(probe: dict) -> None:
    print(
        f"  last_activity_at for {probe['enrolments']:,} enrolments over "
        f"{probe['statements']:,} statements (best of 3, warm):"
    )
    for label in ("with", "without"):
        print(
            f"    {label:<7} the index: {probe[label]['seconds'] * 1000:8.0f} ms "
            f"({probe[label]['with_activity']:,} learners with a latest activity)"
        )
    print(
        f"    ratio: {probe['without']['seconds'] / probe['with']['seconds']:.1f}× faster with it"
    )
    for label in ("with", "without"):
        print(f"    plan of one 2,000-user chunk {label} the index:")
        for line in probe[label]["plan"].splitlines():
            # The list of 2,000 user ids would fill the screen.
            print("      " + (line if len(line) <= 150 else line[:140] + " …" + line[-30:]))


if __name__ == "__main__":
    child(sys.argv[1], sys.argv[2:])
