"""API shapes."""

import datetime as dt

from ninja import Schema


class ActivityOut(Schema):
    id: int
    slug: str
    title: str
    kind: str
    url: str
    minutes: int
    required: bool


class ModuleOut(Schema):
    id: int
    position: int
    slug: str
    title: str
    summary: str
    activities: list[ActivityOut]


class CourseOut(Schema):
    id: int
    slug: str
    title: str
    summary: str
    language: str


class CourseDetailOut(CourseOut):
    modules: list[ModuleOut]


class RunOut(Schema):
    id: int
    slug: str
    title: str
    course: str
    kind: str
    status: str
    starts_on: dt.date
    timezone: str
    capacity: int | None
    languages: list[str]


class EnrolmentOut(Schema):
    id: int
    run: str
    email: str
    name: str
    status: str
    timezone: str
    language: str
    organisation: str | None
    mode: str
    knowledge: int
    role: str
    availability_utc: list[int]
    group: int | None


class GroupOut(Schema):
    id: int
    number: int
    language: str
    hour_utc: int
    status: str
    members: list[int]


class ErrorOut(Schema):
    detail: str
