"""The REST API under /api/ (OpenAPI document at /api/openapi.json, docs at /api/docs)."""

from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Router
from ninja.errors import HttpError

from peerpath.accounts.access import access_group_details, access_run_staff
from peerpath.api.auth import TokenAuth
from peerpath.api.schemas import (
    CourseDetailOut,
    CourseOut,
    EnrolmentOut,
    ErrorOut,
    GroupOut,
    RunOut,
)
from peerpath.courses.models import Course, Run
from peerpath.enrollment.models import Enrolment
from peerpath.grouping.models import GroupMembership, StudyGroup

api = NinjaAPI(title="PeerPath API", version="1", auth=TokenAuth(), urls_namespace="api")
router = Router()


def run_out(run: Run) -> dict:
    return {
        "id": run.pk,
        "slug": run.slug,
        "title": run.title,
        "course": run.course.slug,
        "kind": run.kind,
        "status": run.status,
        "starts_on": run.starts_on,
        "timezone": run.timezone,
        "capacity": run.capacity,
        "languages": run.language_list,
    }


def enrolment_out(e: Enrolment) -> dict:
    membership = getattr(e, "membership", None)
    return {
        "id": e.pk,
        "run": e.run.slug,
        "email": e.user.email,
        "name": e.user.name,
        "status": e.status,
        "timezone": e.timezone,
        "language": e.language,
        "organisation": e.organisation.name if e.organisation else None,
        "mode": e.mode,
        "knowledge": e.knowledge,
        "role": e.role,
        "availability_utc": e.availability_utc,
        "group": membership.group.number if membership else None,
    }


def group_out(g: StudyGroup) -> dict:
    return {
        "id": g.pk,
        "number": g.number,
        "language": g.language,
        "hour_utc": g.hour_utc,
        "status": g.status,
        "members": [m.enrolment_id for m in g.memberships.all()],
    }


@router.get("/courses", response=list[CourseOut], tags=["courses"])
def list_courses(request):
    return Course.objects.order_by("title")


@router.get("/courses/{slug}", response={200: CourseDetailOut, 404: ErrorOut}, tags=["courses"])
def get_course(request, slug: str):
    course = get_object_or_404(Course.objects.prefetch_related("modules__activities"), slug=slug)
    return {
        "id": course.pk,
        "slug": course.slug,
        "title": course.title,
        "summary": course.summary,
        "language": course.language,
        "modules": [
            {
                "id": m.pk,
                "position": m.position,
                "slug": m.slug,
                "title": m.title,
                "summary": m.summary,
                "activities": list(m.activities.all()),
            }
            for m in course.modules.all()
        ],
    }


@router.get("/runs", response=list[RunOut], tags=["runs"])
def list_runs(request):
    return [run_out(r) for r in Run.objects.select_related("course")]


@router.get("/runs/{slug}", response={200: RunOut, 404: ErrorOut}, tags=["runs"])
def get_run(request, slug: str):
    return run_out(get_object_or_404(Run.objects.select_related("course"), slug=slug))


@router.get(
    "/runs/{slug}/enrolments",
    response={200: list[EnrolmentOut], 404: ErrorOut},
    tags=["enrolments"],
)
def list_enrolments(request, slug: str, status: str | None = None):
    run = get_object_or_404(Run, slug=slug)
    enrolments = (
        Enrolment.objects.filter(run=run)
        .select_related("user", "organisation", "run", "membership__group")
        .order_by("pk")
    )
    if not access_run_staff(request.user, run):
        enrolments = enrolments.filter(user=request.user)
    if status:
        if status not in Enrolment.Status.values:
            raise HttpError(400, f"status: unknown value {status!r}")
        enrolments = enrolments.filter(status=status)
    return [enrolment_out(e) for e in enrolments]


@router.get("/me/enrolments", response=list[EnrolmentOut], tags=["enrolments"])
def my_enrolments(request):
    enrolments = Enrolment.objects.filter(user=request.user).select_related(
        "user", "organisation", "run", "membership__group"
    )
    return [enrolment_out(e) for e in enrolments]


@router.get("/runs/{slug}/groups", response={200: list[GroupOut], 404: ErrorOut}, tags=["groups"])
def list_groups(request, slug: str):
    run = get_object_or_404(Run, slug=slug)
    groups = StudyGroup.objects.filter(run=run).prefetch_related("memberships").order_by("number")
    if not access_run_staff(request.user, run):
        own = GroupMembership.objects.filter(
            enrolment__user=request.user, group__run=run, group__status=StudyGroup.Status.PUBLISHED
        )
        groups = groups.filter(pk__in=own.values("group_id"))
    return [group_out(g) for g in groups]


@router.get("/groups/{group_id}", response={200: GroupOut, 404: ErrorOut}, tags=["groups"])
def get_group(request, group_id: int):
    group = get_object_or_404(StudyGroup.objects.select_related("run"), pk=group_id)
    if not access_group_details(request.user, group):
        raise HttpError(404, "Not Found")
    return group_out(group)


api.add_router("/", router)
