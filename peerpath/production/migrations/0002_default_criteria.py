"""Seed the steering committee's default assessment criteria (DTU's three parameters)."""

from django.db import migrations

DEFAULTS = [
    (
        "unique-topic-or-research",
        "Unique topic or strong research environment",
        "The topic is unique among open courses and/or anchored in a strong research environment.",
    ),
    (
        "teacher-pedagogy-or-research",
        "Pedagogical skill or research background",
        "The teacher has high pedagogical skills and/or a solid research background.",
    ),
    (
        "resources-allocated",
        "Resources allocated",
        "The department has allocated proper resources for production, running and maintenance.",
    ),
]


def seed(apps, schema_editor):
    Criterion = apps.get_model("production", "AssessmentCriterion")
    for position, (slug, title, description) in enumerate(DEFAULTS, start=1):
        Criterion.objects.get_or_create(
            slug=slug, defaults={"title": title, "description": description, "position": position}
        )


def unseed(apps, schema_editor):
    apps.get_model("production", "AssessmentCriterion").objects.filter(
        slug__in=[slug for slug, _, _ in DEFAULTS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("production", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
