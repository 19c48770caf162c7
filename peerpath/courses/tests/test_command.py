"""`peerpath course import PATH` and `peerpath course check PATH`: output and exit status."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from peerpath.cli.main import main as peerpath
from peerpath.courses.models import Course, Module


@pytest.mark.django_db
def test_import_command_prints_a_summary(demo_course_path, capsys):
    call_command("course", "import", str(demo_course_path))

    out = capsys.readouterr().out
    assert "Imported course 'python-intro' (A Gentle Introduction to Python): 8 modules" in out
    assert "0 updated, 0 removed, 0 unchanged" in out
    assert Module.objects.filter(course__slug="python-intro").count() == 8


@pytest.mark.django_db
def test_import_command_raises_a_command_error_listing_every_problem(make_course_folder):
    folder = make_course_folder({"second.md": "---\nslug: second\ntitle: x\nkind: read\n---\nQ\n"})

    with pytest.raises(CommandError) as caught:
        call_command("course", "import", str(folder))

    assert f"{folder}/second.md, line 4: unknown key 'kind' in the module" in str(caught.value)
    assert not Course.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_peerpath_course_import_exits_with_status_1_and_errors_on_stderr(
    make_course_folder, capsys
):
    folder = make_course_folder({"course.yaml": None})

    with pytest.raises(SystemExit) as exited:
        peerpath(["course", "import", str(folder)])

    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert f"{folder}/course.yaml: missing" in captured.err
    assert captured.out == ""
    assert not Course.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_peerpath_course_import_of_a_good_folder_exits_normally(make_course_folder, capsys):
    peerpath(["course", "import", str(make_course_folder())])

    assert "Imported course 'tiny'" in capsys.readouterr().out
    assert Course.objects.filter(slug="tiny").exists()


@pytest.mark.django_db
def test_check_command_validates_without_writing(demo_course_path, capsys):
    call_command("course", "check", str(demo_course_path))

    assert "Course 'python-intro' is valid: 8 modules" in capsys.readouterr().out
    assert not Course.objects.exists()


def test_check_command_reports_problems(make_course_folder):
    folder = make_course_folder({"course.yaml": "slug: tiny\ntitle: Tiny\nmodules: [gone.md]\n"})

    with pytest.raises(CommandError, match=r"course\.yaml, line 3: module file 'gone\.md' not"):
        call_command("course", "check", str(folder))


def test_course_command_needs_an_action():
    with pytest.raises(CommandError):
        call_command("course")
