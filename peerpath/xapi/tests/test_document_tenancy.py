"""Documents of a run's tools stay in that run; site-wide tools see the site's and every run's."""

import json
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from peerpath.xapi.models import Document
from peerpath.xapi.services import client_create
from peerpath.xapi.tests.helpers import Lrs
from tests.factories import RunFactory

ACTIVITY = "http://example.org/activities/intro"
AGENT = json.dumps({"mbox": "mailto:ada@example.org"})
RESOURCES = {
    "state": ("/xapi/activities/state", {"activityId": ACTIVITY, "agent": AGENT}, "stateId"),
    "activity profile": ("/xapi/activities/profile", {"activityId": ACTIVITY}, "profileId"),
    "agent profile": ("/xapi/agents/profile", {"agent": AGENT}, "profileId"),
}


def lrs_for(run=None, name="Tool"):
    client, secret = client_create(name=name, run=run)
    return Lrs(Client(), client.key, secret)


def url(resource, document_id=None, **extra):
    path, scope, id_name = RESOURCES[resource]
    params = dict(scope, **extra)
    if document_id is not None:
        params[id_name] = document_id
    return path + "?" + urlencode(params)


def put(lrs, resource, document_id, content, headers=None):
    return lrs.request(
        "put", url(resource, document_id), content, content_type="text/plain", headers=headers
    )


@pytest.fixture
def tools(db):
    run_a, run_b = RunFactory(), RunFactory()
    return {
        "run a": run_a,
        "a": lrs_for(run_a, "Run A tool"),
        "a2": lrs_for(run_a, "Another run A tool"),
        "b": lrs_for(run_b, "Run B tool"),
        "site": lrs_for(None, "Site-wide tool"),
    }


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_run_s_document_is_seen_by_its_run_and_the_site_but_not_by_another_run(tools, resource):
    assert put(tools["a"], resource, "notes", b"from run A").status_code == 204
    assert tools["a2"].request("get", url(resource, "notes")).content == b"from run A"
    assert tools["site"].request("get", url(resource, "notes")).content == b"from run A"
    assert tools["b"].request("get", url(resource, "notes")).status_code == 404
    assert tools["b"].request("get", url(resource)).json() == []
    # Run B's PUT without a precondition creates its own document instead of a 409 on A's.
    assert put(tools["b"], resource, "notes", b"from run B").status_code == 204
    assert tools["a"].request("get", url(resource, "notes")).content == b"from run A"
    assert tools["b"].request("get", url(resource, "notes")).content == b"from run B"
    assert Document.objects.count() == 2


def test_a_site_wide_client_changes_the_one_run_document_it_sees_in_place(tools):
    put(tools["a"], "activity profile", "settings", b"v1")
    etag = tools["site"].request("get", url("activity profile", "settings"))["ETag"]
    changed = put(tools["site"], "activity profile", "settings", b"v2", {"If-Match": etag})
    assert changed.status_code == 204
    assert tools["a"].request("get", url("activity profile", "settings")).content == b"v2"
    assert Document.objects.get().run_id == tools["run a"].pk


def test_when_several_runs_hold_an_id_a_site_wide_client_gets_a_conflict_not_a_guess(tools):
    put(tools["a"], "state", "bookmark", b"page 3")
    put(tools["b"], "state", "bookmark", b"page 9")
    got = tools["site"].request("get", url("state", "bookmark"))
    assert got.status_code == 409
    assert "several runs" in got.json()["error"]["message"]
    assert put(tools["site"], "state", "bookmark", b"page 1").status_code == 409
    assert tools["site"].request("delete", url("state", "bookmark")).status_code == 409
    assert sorted(Document.objects.values_list("content", flat=True)) == [b"page 3", b"page 9"]
    # The list names the id once.
    assert tools["site"].request("get", url("state")).json() == ["bookmark"]


def test_site_wide_documents_are_the_site_s_own_and_win_for_site_wide_clients(tools):
    put(tools["site"], "agent profile", "prefs", b"site")
    assert Document.objects.get().run_id is None
    assert tools["a"].request("get", url("agent profile", "prefs")).status_code == 404
    put(tools["a"], "agent profile", "prefs", b"run A")
    put(tools["b"], "agent profile", "prefs", b"run B")
    assert tools["site"].request("get", url("agent profile", "prefs")).content == b"site"
    assert tools["a"].request("get", url("agent profile", "prefs")).content == b"run A"


def test_deleting_all_state_of_a_scope_deletes_only_what_the_client_sees(tools):
    put(tools["a"], "state", "one", b"1")
    put(tools["b"], "state", "two", b"2")
    put(tools["site"], "state", "three", b"3")
    assert tools["b"].request("delete", url("state")).status_code == 204
    assert sorted(Document.objects.values_list("document_id", flat=True)) == ["one", "three"]
    assert tools["a"].request("get", url("state")).json() == ["one"]
    assert tools["site"].request("delete", url("state")).status_code == 204
    assert Document.objects.count() == 0


def test_posted_json_merges_into_the_run_s_own_document_only(tools):
    headers = {"content_type": "application/json"}
    tools["a"].request("post", url("state", "progress"), {"a": 1}, **headers)
    tools["b"].request("post", url("state", "progress"), {"b": 2}, **headers)
    tools["a"].request("post", url("state", "progress"), {"c": 3}, **headers)
    assert tools["a"].request("get", url("state", "progress")).json() == {"a": 1, "c": 3}
    assert tools["b"].request("get", url("state", "progress")).json() == {"b": 2}


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_documents_the_run_of_the_client_that_wrote_them():
    executor = MigrationExecutor(connection)
    before = [("xapi", "0003_statement_user_index")]
    after = [("xapi", "0004_document_run")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    OldClient = apps.get_model("xapi", "XapiClient")
    OldDocument = apps.get_model("xapi", "Document")
    run = apps.get_model("courses", "Run").objects.get(pk=RunFactory().pk)
    scoped = OldClient.objects.create(name="Run tool", key="k1", secret_hash="x", run=run)
    site_wide = OldClient.objects.create(name="Site tool", key="k2", secret_hash="x")
    for key, client in (("a", scoped), ("b", site_wide), ("c", None)):
        OldDocument.objects.create(
            kind="state",
            document_id=key,
            content=b"kept",
            content_type="text/plain",
            etag="e",
            updated=run.created_at,
            client=client,
            key_hash=key * 64,
            scope_hash="s" * 64,
        )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    apps = executor.loader.project_state(after).apps
    runs = dict(apps.get_model("xapi", "Document").objects.values_list("document_id", "run_id"))
    assert runs == {"a": run.pk, "b": None, "c": None}
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("xapi"))
