"""`peerpath demo`: a realistic PeerPath to look at.

The course "A Gentle Introduction to Python" (8 weekly modules, imported from demo/courses/),
an open MOOC run with about 3,000 learners across the world's timezones and languages, and a
private SPOC run for about 300 teachers from about 60 schools, many joining with colleagues.
Groups are formed and published, meetings scheduled, and the first messages are in the outbox.
Learners come from the grouping benchmark's seeded generator, so the demo is the same each time.
"""

import datetime as dt
import random
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from peerpath.accounts.models import RunRole, User
from peerpath.accounts.services import run_role_grant, run_role_grant_many
from peerpath.courses.models import Course, Run
from peerpath.courses.services import course_import
from peerpath.enrollment.availability import utc_hour_to_local
from peerpath.enrollment.models import Enrolment, Organisation
from peerpath.grouping.services import groups_form, groups_publish
from peerpath.grouping.solver import generate_learners
from peerpath.messaging.plan import run_weekly_messages_plan
from peerpath.messaging.services import outbox_enqueue_many

DEMO_COURSE = Path(settings.BASE_DIR) / "demo" / "courses" / "python-intro"
STAFF_EMAIL = "staff@peerpath.localhost"
STAFF_PASSWORD = "peerpath-demo"

FIRST_NAMES = {
    "en": [
        "Ava",
        "Liam",
        "Noah",
        "Emma",
        "Olivia",
        "Aarav",
        "Priya",
        "Chloe",
        "Jack",
        "Mia",
        "Ethan",
        "Grace",
        "Kwame",
        "Amara",
        "Sofia",
        "Lucas",
        "Hannah",
        "Ravi",
        "Zoe",
        "Omar",
    ],
    "es": ["Lucía", "Mateo", "Valentina", "Santiago", "Camila", "Diego", "Sofía", "Javier"],
    "fr": [
        "Camille",
        "Louis",
        "Léa",
        "Hugo",
        "Manon",
        "Jules",
        "Chloé",
        "Gabriel",
        "Inès",
        "Arthur",
        "Élise",
        "Nathan",
        "Juliette",
        "Théo",
        "Margaux",
        "Paul",
    ],
    "pt": ["João", "Ana", "Pedro", "Beatriz", "Rafael", "Larissa", "Gustavo", "Mariana"],
    "de": ["Lukas", "Lena", "Felix", "Marie", "Jonas", "Anna", "Paul", "Laura"],
    "hi": ["Arjun", "Ananya", "Vivaan", "Diya", "Ishaan", "Saanvi", "Rohan", "Kavya"],
    "zh": ["Wei", "Li Na", "Hao", "Mei", "Jun", "Xiu", "Lei", "Yan"],
    "ja": ["Haruto", "Yui", "Sota", "Hina", "Ren", "Aoi", "Yuto", "Sakura"],
    "ar": ["Youssef", "Mariam", "Ahmed", "Layla", "Omar", "Nour", "Karim", "Salma"],
}
LAST_NAMES = {
    "en": [
        "Smith",
        "Johnson",
        "Patel",
        "Williams",
        "Brown",
        "Okafor",
        "Nguyen",
        "Garcia",
        "Miller",
        "Khan",
        "Taylor",
        "Anderson",
        "Thomas",
        "Moore",
        "Singh",
        "Clark",
    ],
    "fr": [
        "Martin",
        "Bernard",
        "Dubois",
        "Thomas",
        "Robert",
        "Richard",
        "Petit",
        "Durand",
        "Leroy",
        "Moreau",
        "Simon",
        "Laurent",
        "Lefebvre",
        "Michel",
        "Garcia",
        "Roux",
    ],
}
SCHOOL_TOWNS = [
    "Lyon",
    "Lille",
    "Nantes",
    "Rennes",
    "Bordeaux",
    "Toulouse",
    "Grenoble",
    "Dijon",
    "Nancy",
    "Metz",
    "Brest",
    "Tours",
    "Angers",
    "Caen",
    "Rouen",
    "Reims",
    "Amiens",
    "Limoges",
    "Poitiers",
    "Pau",
]
SCHOOL_KINDS = [
    "Collège Jean Moulin",
    "Lycée Victor Hugo",
    "École Jules Ferry",
    "Collège Marie Curie",
    "Lycée Condorcet",
]


def next_monday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def local_hours(utc_hours, tz_name: str, on: dt.date) -> list[int]:
    """The learner's local grid for display, from the UTC hours, at the run's first week."""
    return sorted(
        {day * 24 + hour for day, hour in (utc_hour_to_local(h, tz_name, on) for h in utc_hours)}
    )


class Command(BaseCommand):
    help = "Seed the demo course, runs, learners, groups, meetings and first messages."

    def add_arguments(self, parser):
        parser.add_argument("--mooc-learners", type=int, default=3000)
        parser.add_argument("--spoc-learners", type=int, default=300)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, mooc_learners, spoc_learners, seed, **options):
        staff = self.ensure_staff()
        if Run.objects.filter(slug="python-mooc").exists():
            self.stdout.write("The demo is already seeded.")
            self.print_access()
            return
        if not DEMO_COURSE.is_dir():
            raise CommandError(f"{DEMO_COURSE}: the demo course folder is missing")
        result = course_import(path=DEMO_COURSE)
        course = (
            result.course if hasattr(result, "course") else Course.objects.get(slug="python-intro")
        )
        starts = next_monday(timezone.now().date())
        mooc = Run.objects.create(
            course=course,
            slug="python-mooc",
            title=f"{course.title} — open MOOC",
            kind=Run.Kind.MOOC,
            starts_on=starts,
            timezone="UTC",
            languages="en,es,fr,pt,de,hi,zh,ja,ar",
            meeting_window_start=0,
            meeting_window_end=24,
        )
        spoc = Run.objects.create(
            course=course,
            slug="python-teachers-spoc",
            title=f"{course.title} — SPOC pour enseignants",
            kind=Run.Kind.SPOC,
            starts_on=starts,
            timezone="Europe/Paris",
            languages="fr",
            invitation_code="ENSEIGNER-PY",
            capacity=400,
            grouping_rules={"min_size": 5, "max_size": 8, "target_size": 6},
        )
        for run in (mooc, spoc):
            run_role_grant(run=run, user=staff, role=RunRole.Role.INSTRUCTOR)
        self.stdout.write(f"Course imported; runs start {starts}.")
        rng = random.Random(seed)
        self.enrol(mooc, generate_learners("global", mooc_learners, seed), rng, "mooc")
        self.enrol(
            spoc, generate_learners("national", spoc_learners, seed + 1), rng, "spoc", schools=True
        )
        for run in (mooc, spoc):
            grouping = groups_form(run=run, seed=seed)
            published = groups_publish(run=run)
            planned = run_weekly_messages_plan(run=run)
            self.stdout.write(
                f"{run.title}: {published} groups published, "
                f"{len(grouping.unassigned)} learners unassigned, {planned} weekly mails planned."
            )
        self.print_access()

    def ensure_staff(self) -> User:
        staff = User.objects.filter(email=STAFF_EMAIL).first()
        if staff is None:
            staff = User.objects.create_superuser(
                username=STAFF_EMAIL,
                email=STAFF_EMAIL,
                password=STAFF_PASSWORD,
                display_name="Demo Staff",
                timezone="Europe/Paris",
            )
        return staff

    def print_access(self) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready. Staff sign-in: {STAFF_EMAIL} / {STAFF_PASSWORD} "
                f"at {settings.SITE_URL}/accounts/signin/"
            )
        )

    @transaction.atomic
    def enrol(self, run, learners, rng: random.Random, domain: str, schools: bool = False):
        organisations = {}
        if schools:
            for org_id in sorted({lrn.organisation for lrn in learners if lrn.organisation}):
                name = f"{rng.choice(SCHOOL_KINDS)}, {rng.choice(SCHOOL_TOWNS)} ({org_id})"
                organisations[org_id], _ = Organisation.objects.get_or_create(
                    name=name, defaults={"kind": Organisation.Kind.SCHOOL, "country": "FR"}
                )
            run.organisations.set(organisations.values())
        now = timezone.now()
        users = []
        for index, learner in enumerate(learners):
            names = FIRST_NAMES.get(learner.language, FIRST_NAMES["en"])
            surnames = LAST_NAMES.get(learner.language, LAST_NAMES["en"])
            email = f"{domain}-learner-{index + 1:05d}@example.org"
            user = User(
                email=email,
                username=email,
                timezone=learner.timezone,
                display_name=f"{rng.choice(names)} {rng.choice(surnames)}",
                language=learner.language if learner.language in dict(settings.LANGUAGES) else "en",
            )
            user.set_unusable_password()
            users.append(user)
        User.objects.bulk_create(users, batch_size=1000)
        users = {u.email: u for u in User.objects.filter(email__startswith=f"{domain}-learner-")}
        enrolments = []
        for index, learner in enumerate(learners):
            user = users[f"{domain}-learner-{index + 1:05d}@example.org"]
            enrolments.append(
                Enrolment(
                    run=run,
                    user=user,
                    status=Enrolment.Status.CONFIRMED,
                    source=Enrolment.Source.DEMO,
                    timezone=learner.timezone,
                    availability_utc=sorted(learner.availability),
                    availability_local=local_hours(
                        learner.availability, learner.timezone, run.starts_on
                    ),
                    language=learner.language,
                    organisation=organisations.get(learner.organisation),
                    mode=learner.mode,
                    knowledge=learner.knowledge,
                    role=learner.role,
                    consent_at=now,
                    confirmed_at=now,
                )
            )
        Enrolment.objects.bulk_create(enrolments, batch_size=1000)
        run_role_grant_many(run=run, users=list(users.values()), role=RunRole.Role.LEARNER)
        stored = Enrolment.objects.filter(run=run).select_related("user")
        outbox_enqueue_many(
            [
                {
                    "key": f"welcome:{e.pk}",
                    "kind": "welcome",
                    "run": run,
                    "recipient": e.user,
                    "context": {"enrolment": e.pk},
                }
                for e in stored
            ]
        )
        self.stdout.write(f"{run.title}: {len(enrolments)} learners enrolled.")
