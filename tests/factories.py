"""factory-boy factories for the whole suite."""

import datetime as dt

import factory
from django.utils import timezone as django_timezone

from peerpath.accounts.models import RunRole, User
from peerpath.courses.models import Activity, Course, Module, Run
from peerpath.enrollment.models import Enrolment, Organisation


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"learner{n}@example.org")
    username = factory.LazyAttribute(lambda o: o.email)
    display_name = factory.Faker("name")
    timezone = "Europe/Oslo"


class StaffFactory(UserFactory):
    email = factory.Sequence(lambda n: f"staff{n}@example.org")
    is_staff = True
    is_superuser = True
    password = factory.django.Password("correct horse battery")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    position = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"module-{n}")
    title = factory.Sequence(lambda n: f"Module {n}")
    discussion_tasks = "Share one thing you learned."


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    module = factory.SubFactory(ModuleFactory)
    position = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"activity-{n}")
    title = factory.Sequence(lambda n: f"Activity {n}")
    kind = Activity.Kind.READ
    url = "https://docs.python.org/3/tutorial/"
    minutes = 30


class RunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Run

    course = factory.SubFactory(CourseFactory)
    slug = factory.Sequence(lambda n: f"run-{n}")
    title = factory.Sequence(lambda n: f"Run {n}")
    starts_on = factory.LazyFunction(lambda: django_timezone.now().date() + dt.timedelta(days=7))
    timezone = "Europe/Oslo"
    languages = "en"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"School {n}")
    kind = Organisation.Kind.SCHOOL


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    run = factory.SubFactory(RunFactory)
    user = factory.SubFactory(UserFactory)
    status = Enrolment.Status.CONFIRMED
    timezone = "Europe/Oslo"
    language = "en"
    availability_local = factory.LazyFunction(
        lambda: [d * 24 + h for d in range(5) for h in (18, 19, 20)]
    )
    availability_utc = factory.LazyFunction(
        lambda: [d * 24 + h for d in range(5) for h in (17, 18, 19)]
    )
    confirmed_at = factory.LazyFunction(django_timezone.now)
    consent_at = factory.LazyFunction(django_timezone.now)


class RunRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RunRole

    run = factory.SubFactory(RunFactory)
    user = factory.SubFactory(UserFactory)
    role = RunRole.Role.LEARNER
