"""The sign-up page: double opt-in, the run's rules, errors next to fields, nothing half-written."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from peerpath.accounts.models import LinkRequest, RunRole, User
from peerpath.courses.models import Run
from peerpath.enrollment.models import Enrolment, Organisation
from peerpath.messaging.models import OutboxMessage
from tests.factories import EnrolmentFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def signup_url(run):
    return reverse("enrollment:signup", args=[run.slug])


def confirm_path(mail) -> str:
    link = re.search(r"http://\S+/runs/confirm/\S+/", mail.body).group(0)
    return link.replace("http://127.0.0.1:8000", "")


def counts():
    return (User.objects.count(), Enrolment.objects.count(), OutboxMessage.objects.count(),
            Organisation.objects.count())


def test_the_page_shows_the_run_its_weeks_and_a_labelled_local_availability_grid(client, run):
    response = client.get(signup_url(run))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Python for teachers" in page and "Week 2 topic" in page
    assert 'aria-label="Monday 18:00"' in page and 'aria-label="Sunday 21:00"' in page
    assert 'aria-label="Monday 06:00"' not in page  # outside the meeting window
    assert 'value="Pacific/Auckland"' in page and "data-detect-timezone" in page
    assert "enrollment/timezone.js" in page
    assert 'name="invitation_code"' not in page  # a MOOC has no code


def test_signup_writes_a_pending_enrolment_and_one_mail_whose_link_confirms_and_signs_in(
    client, run, signup_data, mailoutbox
):
    response = client.post(signup_url(run), signup_data())
    assert response.status_code == 302
    assert client.get(response["Location"]).content.decode().count("Check your e-mail") >= 1
    enrolment = Enrolment.objects.get()
    assert enrolment.status == Enrolment.Status.PENDING
    assert enrolment.user.email == "ada@example.org"
    assert enrolment.user.display_name == "Ada Lovelace"
    assert enrolment.availability_local == [18, 19, 20, 66, 67, 68]
    assert enrolment.availability_utc == [16, 17, 18, 64, 65, 66]  # Oslo is UTC+2 in June
    assert enrolment.organisation.name == "Oslo Katedralskole"
    assert enrolment.consent_at is not None and enrolment.source == Enrolment.Source.SIGNUP
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["ada@example.org"]
    assert "Confirm your sign-up for Python for teachers" in mailoutbox[0].subject

    path = confirm_path(mailoutbox[0])
    assert client.get(path).status_code == 200  # a mail scanner's GET changes nothing
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.PENDING and "_auth_user_id" not in client.session

    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == "/"
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CONFIRMED and enrolment.confirmed_at
    assert client.session["_auth_user_id"] == str(enrolment.user_id)
    assert RunRole.objects.filter(run=run, user=enrolment.user, role="learner").exists()
    assert OutboxMessage.objects.filter(key=f"welcome:{enrolment.pk}", kind="welcome").exists()
    welcome = mailoutbox[1]
    assert welcome.subject == "Welcome to Python for teachers"
    assert "Monday 3 June 2030, 00:00 (your time, Europe/Oslo)" in welcome.body
    assert "announce your group" in welcome.body and "http://127.0.0.1:8000/" in welcome.body


def test_the_start_date_in_the_welcome_is_on_the_learners_own_clock(
    client, run, signup_data, mailoutbox
):
    client.post(signup_url(run), signup_data(timezone="America/New_York"))
    client.post(confirm_path(mailoutbox[0]))
    assert "Sunday 2 June 2030, 18:00 (your time, America/New_York)" in mailoutbox[1].body


@pytest.mark.parametrize("change, field, message", [
    ({"email": "not-an-address"}, "email", "Enter a valid email address."),
    ({"consent": None}, "consent", "You must agree before you can sign up."),
    ({"timezone": "Mars/Olympus"}, "timezone", "Select a valid choice."),
    ({"availability": None}, "availability", "Choose at least one hour you can meet."),
    ({"availability": ["3"]}, "availability", "Select a valid choice."),
    ({"language": "de"}, "language", "Select a valid choice."),
    ({"knowledge": "7"}, "knowledge", "Select a valid choice."),
    ({"name": ""}, "name", "This field is required."),
])
def test_bad_input_shows_the_fields_message_and_writes_nothing(
    client, run, signup_data, mailoutbox, change, field, message
):
    before = counts()
    response = client.post(signup_url(run), signup_data(**change))
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page and message in page
    assert 'aria-invalid="true"' in page
    assert counts() == before and mailoutbox == []
    assert not LinkRequest.objects.exists()


def test_the_entered_answers_are_kept_when_the_form_comes_back_with_errors(
    client, run, signup_data
):
    page = client.post(signup_url(run), signup_data(consent=None)).content.decode()
    assert re.search(r'id="id_availability_19"[^>]*checked', page)
    assert 'value="Ada Lovelace"' in page and "data-keep" in page


@pytest.fixture
def spoc(run):
    run.kind = Run.Kind.SPOC
    run.invitation_code = "TEACH-2030"
    run.allowed_email_domains = "example.org\nskole.no"
    run.save()
    return run


def test_a_spoc_refuses_a_wrong_invitation_code_and_writes_nothing(client, spoc, signup_data):
    before = counts()
    response = client.post(signup_url(spoc), signup_data(invitation_code="guess"))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_invitation_code_error"' in page
    assert "This invitation code is not right for this run." in page
    assert counts() == before


def test_a_spoc_refuses_an_address_outside_its_domains_and_writes_nothing(
    client, spoc, signup_data
):
    before = counts()
    response = client.post(signup_url(spoc), signup_data(email="ada@gmail.com",
                                                          invitation_code="TEACH-2030"))
    assert response.status_code == 400
    assert "This run is for addresses at example.org, skole.no only." in response.content.decode()
    assert counts() == before


def test_a_spoc_with_the_right_code_and_a_subdomain_address_signs_up(client, spoc, signup_data):
    response = client.post(signup_url(spoc), signup_data(email="ada@oslo.skole.no",
                                                          invitation_code=" TEACH-2030 "))
    assert response.status_code == 302
    assert Enrolment.objects.get().user.email == "ada@oslo.skole.no"


def test_a_run_with_an_organisation_list_offers_only_those(client, run, signup_data):
    allowed = OrganisationFactory(name="Bergen Skole")
    other = OrganisationFactory(name="Elsewhere AS")
    run.organisations.add(allowed)
    page = client.get(signup_url(run)).content.decode()
    assert "Bergen Skole" in page and "Elsewhere AS" not in page
    response = client.post(signup_url(run), signup_data(organisation=str(other.pk)))
    assert response.status_code == 400 and not Enrolment.objects.exists()
    response = client.post(signup_url(run), signup_data(organisation=str(allowed.pk)))
    assert response.status_code == 302
    assert Enrolment.objects.get().organisation == allowed


def test_free_text_organisations_are_found_whatever_their_case(client, run, signup_data):
    existing = OrganisationFactory(name="Oslo Katedralskole")
    client.post(signup_url(run), signup_data(organisation="oslo  KATEDRALSKOLE"))
    assert Enrolment.objects.get().organisation == existing
    assert Organisation.objects.count() == 1


def test_a_closed_run_refuses_sign_up(client, run, signup_data):
    run.status = Run.Status.CLOSED
    run.save()
    assert "Sign-up for this run is closed." in client.get(signup_url(run)).content.decode()
    response = client.post(signup_url(run), signup_data())
    assert response.status_code == 403 and not Enrolment.objects.exists()


def test_a_full_run_says_so_and_confirmation_puts_the_learner_on_the_waiting_list(
    client, run, signup_data, mailoutbox
):
    run.capacity = 1
    run.save()
    EnrolmentFactory(run=run)
    page = client.get(signup_url(run)).content.decode()
    assert "This run is full" in page
    response = client.post(signup_url(run), signup_data(), follow=True)
    assert "you will be on the waiting list" in response.content.decode()
    client.post(confirm_path(mailoutbox[0]))
    enrolment = Enrolment.objects.get(user__email="ada@example.org")
    assert enrolment.status == Enrolment.Status.WAITLISTED
    assert not RunRole.objects.filter(user=enrolment.user).exists()
    assert mailoutbox[1].subject == "You are on the waiting list for Python for teachers"


def test_signing_up_twice_makes_no_duplicate_and_resends_the_confirmation(
    client, run, signup_data, mailoutbox
):
    client.post(signup_url(run), signup_data())
    client.post(signup_url(run), signup_data(email="ADA@example.org", name="Someone Else"))
    enrolment = Enrolment.objects.get()
    assert enrolment.user.display_name == "Ada Lovelace" and User.objects.count() == 1
    assert len(mailoutbox) == 2
    assert all("Confirm your sign-up" in mail.subject for mail in mailoutbox)
    client.post(confirm_path(mailoutbox[0]))  # the first link still works
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CONFIRMED


def test_signing_up_again_when_already_confirmed_sends_a_sign_in_link(
    client, run, signup_data, mailoutbox
):
    EnrolmentFactory(run=run, user=UserFactory(email="ada@example.org"))
    client.post(signup_url(run), signup_data())
    assert Enrolment.objects.count() == 1
    assert len(mailoutbox) == 1 and "sign-in link" in mailoutbox[0].subject


def test_sign_up_is_rate_limited_with_a_429_and_a_clear_message(
    client, run, signup_data, settings
):
    settings.PEERPATH_LINK_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(signup_url(run), signup_data()).status_code == 302
    before = counts()
    response = client.post(signup_url(run), signup_data())
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert counts() == before


def test_a_learner_who_withdraws_frees_a_seat_for_the_first_on_the_waiting_list(
    client, run, mailoutbox
):
    run.capacity = 1
    run.save()
    seated = EnrolmentFactory(run=run)
    waiting = EnrolmentFactory(run=run, status=Enrolment.Status.WAITLISTED)
    client.force_login(seated.user)
    response = client.post(reverse("enrollment:withdraw", args=[run.slug]))
    assert response.status_code == 302
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert seated.status == Enrolment.Status.WITHDRAWN and seated.withdrawn_at
    assert waiting.status == Enrolment.Status.CONFIRMED
    assert [mail.to for mail in mailoutbox] == [[waiting.user.email]]


def test_across_the_october_switch_an_oslo_learner_keeps_only_utc_hours_valid_every_week(
    client, run, signup_data
):
    run.starts_on = dt.date(2026, 10, 19)  # three weeks; Oslo's clocks go back on 25 October
    run.save()
    response = client.post(signup_url(run), signup_data(availability=["19"]))
    assert response.status_code == 400
    assert "None of the hours you chose is at the same time in every week" in (
        response.content.decode())
    assert not Enrolment.objects.exists()
    response = client.post(signup_url(run), signup_data(availability=["19", "20"]))
    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    # 18:00 UTC is 20:00 before the switch and 19:00 after it; 17 and 19 UTC are not always.
    assert enrolment.availability_local == [19, 20] and enrolment.availability_utc == [18]


def test_selectors_count_seats_and_list_a_persons_runs(run):
    from peerpath.enrollment import selectors

    assert selectors.run_seats_left(run=run) is None
    run.capacity = 3
    run.save()
    learner = EnrolmentFactory(run=run)
    EnrolmentFactory(run=run, status=Enrolment.Status.PENDING)
    gone = EnrolmentFactory(run=run, status=Enrolment.Status.WITHDRAWN)
    assert selectors.run_seats_left(run=run) == 2
    assert list(selectors.enrolment_list_active(run=run)) == [learner]
    assert selectors.enrolment_get_for_user(run=run, user=learner.user) == learner
    assert list(selectors.enrolment_list_for_user(user=learner.user)) == [learner]
    assert list(selectors.enrolment_list_for_user(user=gone.user)) == []
