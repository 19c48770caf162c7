"""Staff CSV import: every bad row reported by line, and a bad file imports nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from peerpath.accounts.models import RunRole, User
from peerpath.common.errors import ApplicationError
from peerpath.enrollment import services
from peerpath.enrollment.models import Enrolment, Organisation
from peerpath.enrollment.tests.conftest import csv_text
from peerpath.messaging.models import OutboxMessage
from tests.factories import EnrolmentFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD = [
    "ada@example.org,Ada Lovelace,Europe/Oslo,en,Oslo Skole,individual,,3,senior,Mon 18-21",
    'bob@example.org,Bob,America/New_York,nb,,with_colleagues,"Cy, Di",0,novice,'
    '"Tue 7-9; Thu 19-21"',
    "cy@example.org,Cy,Asia/Tokyo,,Oslo Skole,,,,,Mon-Fri 12-14",
]


def import_text(run, text: str):
    return services.enrolment_import_csv(run=run, file=text, filename="learners.csv")


def counts():
    return (User.objects.count(), Enrolment.objects.count(), OutboxMessage.objects.count(),
            Organisation.objects.count(), RunRole.objects.count())


def problems_of(run, text: str) -> list[str]:
    before = counts()
    with pytest.raises(ApplicationError) as caught:
        import_text(run, text)
    assert counts() == before, "a file with a bad row must import nothing"
    return [f"{where}: {what}" for where, what in caught.value.errors]


def test_a_good_file_imports_every_learner_confirmed_with_a_welcome_row(run):
    existing = UserFactory(email="Cy@Example.org")
    report = import_text(run, csv_text(*GOOD))
    assert (report.imported, report.confirmed, report.users_created) == (3, 3, 2)
    enrolments = {e.user.email.lower(): e for e in Enrolment.objects.select_related("user")}
    assert set(enrolments) == {"ada@example.org", "bob@example.org", "cy@example.org"}
    assert enrolments["cy@example.org"].user == existing
    ada, bob, cy = (enrolments[f"{n}@example.org"] for n in ("ada", "bob", "cy"))
    assert ada.status == Enrolment.Status.CONFIRMED and ada.source == Enrolment.Source.IMPORT
    assert ada.availability_local == [18, 19, 20] and ada.availability_utc == [16, 17, 18]
    assert (ada.knowledge, ada.role, ada.organisation.name) == (3, "senior", "Oslo Skole")
    assert bob.language == "nb" and bob.mode == "with_colleagues" and bob.colleagues == "Cy, Di"
    assert bob.availability_local == [31, 32, 91, 92]
    assert (cy.language, cy.knowledge, cy.role, cy.mode) == ("en", 2, "mid", "individual")
    assert cy.organisation == ada.organisation and Organisation.objects.count() == 1
    welcome = set(OutboxMessage.objects.filter(kind="welcome").values_list("key", flat=True))
    assert welcome == {f"welcome:{e.pk}" for e in (ada, bob, cy)}
    assert RunRole.objects.filter(run=run, role="learner").count() == 3


def test_the_welcome_mail_is_delivered_after_the_import_commits(
    run, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_text(run, csv_text(GOOD[0]))
    assert [mail.subject for mail in mailoutbox] == ["Welcome to Python for teachers"]


def test_a_file_with_bad_rows_lists_each_line_and_reason_and_imports_nothing(run):
    text = csv_text(
        GOOD[0],
        "not-an-address,X,Europe/Oslo,en,,,,2,mid,Mon 18-21",
        "eve@example.org,Eve,Europe/Olso,en,,,,2,mid,Mon 18-21",
        "fay@example.org,Fay,Europe/Oslo,de,,,,2,mid,Mon 18-21",
        "gus@example.org,Gus,Europe/Oslo,en,,,,5,mid,Mon 18-21",
        "hal@example.org,Hal,Europe/Oslo,en,,,,2,mid,Monday evenings",
        "ADA@example.org,Ada again,Europe/Oslo,en,,,,2,mid,Mon 18-21",
        "ivy@example.org,Ivy,Europe/Oslo,en,,alone,,2,boss,",
    )
    assert problems_of(run, text) == [
        "line 3: bad e-mail address 'not-an-address'",
        "line 4: Unknown timezone 'Europe/Olso'.",
        "line 5: de is not a language of this run (choose from en, nb).",
        "line 6: Prior knowledge must be a whole number from 0 to 4, not 5.",
        "line 7: bad availability: cannot read 'Monday evenings': write it like "
        "'Mon 18-21; Wed 19-21'",
        "line 8: duplicate e-mail ADA@example.org (first on line 2)",
        "line 9: role must be novice, mid or senior, not 'boss'",
        "line 9: no availability given",
    ]


def test_an_organisation_not_on_the_runs_list_is_refused_by_line(run):
    run.organisations.add(OrganisationFactory(name="Oslo Skole"))
    text = csv_text(GOOD[0], "dan@example.org,Dan,Europe/Oslo,en,Elsewhere AS,,,2,mid,Mon 9-12",
                    "eva@example.org,Eva,Europe/Oslo,en,,,,2,mid,Mon 9-12")
    assert problems_of(run, text) == [
        "line 3: organisation 'Elsewhere AS' is not allowed for this run",
        "line 4: organisation is required for this run",
    ]


def test_a_missing_column_is_named_and_nothing_is_imported(run):
    text = csv_text("ada@example.org,Ada,Mon 18-21", header="email,name,availability")
    assert problems_of(run, text) == ["line 1: missing required column timezone"]


def test_an_unknown_column_is_reported_rather_than_ignored(run):
    text = csv_text("ada@example.org,Ada,UTC,Mon 18-21,3",
                    header="email,name,timezone,availability,knowlege")
    assert problems_of(run, text)[0].startswith("line 1: unknown column knowlege")


def test_line_numbers_count_quoted_line_breaks_and_skip_blank_lines(run):
    text = csv_text('ada@example.org,"Ada\nLovelace",UTC,,,,,,,Mon 9-10', "",
                    "bad,Bo,UTC,,,,,,,Mon 9-10")
    assert problems_of(run, text) == ["line 5: bad e-mail address 'bad'"]


def test_semicolon_files_from_spreadsheets_with_a_bom_import_too(run):
    text = ("\ufeffemail;name;timezone;availability\n"
            'ada@example.org;Ada;UTC;"Mon 9-10; Tue 9-10"\n')
    report = services.enrolment_import_csv(run=run, file=text.encode(), filename="x.csv")
    assert report.imported == 1
    assert Enrolment.objects.get().availability_utc == [9, 33]


def test_a_file_that_is_not_utf8_is_refused_with_a_reason(run):
    with pytest.raises(ApplicationError, match="not UTF-8"):
        services.enrolment_import_csv(run=run, file="email\né".encode("latin-1"), filename="x")


def test_learners_already_in_the_run_are_left_as_they_are_and_pending_ones_confirmed(run):
    confirmed = EnrolmentFactory(run=run, user=UserFactory(email="ada@example.org"), knowledge=0)
    pending = EnrolmentFactory(run=run, user=UserFactory(email="bob@example.org"),
                               status=Enrolment.Status.PENDING, confirmed_at=None)
    report = import_text(run, csv_text(*GOOD))
    assert (report.imported, report.already_enrolled, report.users_created) == (2, 1, 1)
    confirmed.refresh_from_db()
    pending.refresh_from_db()
    assert confirmed.knowledge == 0 and confirmed.source == Enrolment.Source.SIGNUP
    assert pending.status == Enrolment.Status.CONFIRMED and pending.language == "nb"
    assert not OutboxMessage.objects.filter(key=f"welcome:{confirmed.pk}").exists()


def test_beyond_the_runs_capacity_imported_learners_are_waitlisted_in_file_order(run):
    run.capacity = 2
    run.save()
    report = import_text(run, csv_text(*GOOD))
    assert (report.confirmed, report.waitlisted) == (2, 1)
    cy = Enrolment.objects.get(user__email__iexact="cy@example.org")
    assert cy.status == Enrolment.Status.WAITLISTED
    assert OutboxMessage.objects.get(key=f"waitlisted:{cy.pk}").kind == "waitlisted"


def test_five_thousand_rows_import_in_one_go(run):
    rows = [f"l{n}@example.org,Learner {n},Europe/Oslo,en,School {n % 40},,,{n % 5},mid,"
            f"Mon 18-21; Wed {7 + n % 12}-{9 + n % 12}" for n in range(5000)]
    report = import_text(run, csv_text(*rows))
    assert report.imported == 5000 and report.organisations_created == 40
    assert Enrolment.objects.filter(run=run, status="confirmed").count() == 5000
    assert OutboxMessage.objects.filter(kind="welcome").count() == 5000


def test_the_command_imports_a_file_and_reports_the_count(run, tmp_path):
    path = tmp_path / "learners.csv"
    path.write_text(csv_text(*GOOD), encoding="utf-8")
    out = io.StringIO()
    call_command("import", "learners", "--run", run.slug, str(path), stdout=out)
    assert "imported 3 learners into python-101" in out.getvalue()


def test_the_command_prints_every_bad_line_and_fails(run, tmp_path):
    path = tmp_path / "learners.csv"
    path.write_text(csv_text(GOOD[0], "x,X,UTC,en,,,,2,mid,Mon 1-2"), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", "learners", "--run", run.slug, str(path), stderr=err)
    assert "learners.csv: line 3: bad e-mail address 'x'" in err.getvalue()
    assert not Enrolment.objects.exists()


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("learners.csv", text.encode(), content_type="text/csv")


def test_the_staff_page_imports_an_upload_and_shows_the_count(staff_client, run):
    url = reverse("enrollment:import", args=[run.slug])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"file": upload(csv_text(*GOOD))})
    assert response.status_code == 200
    assert "Imported 3 learners from learners.csv." in response.content.decode()


def test_the_staff_page_lists_every_bad_line(staff_client, run):
    url = reverse("enrollment:import", args=[run.slug])
    text = csv_text(GOOD[0], "x,X,UTC,en,,,,2,mid,Mon 1-2", "y@example.org,Y,Nowhere,en,,,,2,mid,")
    page = staff_client.post(url, {"file": upload(text)}).content.decode()
    assert "line 3: bad e-mail address &#x27;x&#x27;" in page
    assert "line 4: Unknown timezone &#x27;Nowhere&#x27;." in page
    assert "line 4: no availability given" in page
    assert "nothing was imported" in page and not Enrolment.objects.exists()


def test_only_staff_may_import(client, run):
    url = reverse("enrollment:import", args=[run.slug])
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(UserFactory())
    assert client.post(url, {"file": upload(csv_text(*GOOD))}).status_code == 403
    assert not Enrolment.objects.exists()
