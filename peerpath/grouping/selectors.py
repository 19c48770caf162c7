"""Reading study groups."""

from peerpath.grouping.models import GroupingResult, GroupMembership, StudyGroup


def group_for_enrolment(*, enrolment) -> StudyGroup | None:
    membership = GroupMembership.objects.select_related("group").filter(enrolment=enrolment).first()
    return membership.group if membership else None


def group_members(*, group) -> list:
    return [
        m.enrolment
        for m in group.memberships.select_related(
            "enrolment__user", "enrolment__organisation"
        ).order_by("enrolment_id")
    ]


def group_list(*, run):
    return StudyGroup.objects.filter(run=run).prefetch_related("memberships")


def grouping_latest(*, run) -> GroupingResult | None:
    return GroupingResult.objects.filter(run=run).order_by("-created_at").first()
