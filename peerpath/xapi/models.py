"""The Learning Record Store: clients, statements with their index columns, documents.

A statement is stored once, immutably: `payload` is the JSON text returned on GET (the
statement as received plus the properties the LRS sets). The other columns exist to answer the
spec's queries quickly; `voided` is the only thing that changes, when a voiding statement arrives
(or was there before the statement it voids).
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peerpath.common.models import BaseModel


def hash_secret(raw: str) -> str:
    # Secrets are 32 random bytes: a fast hash is enough, there is nothing to brute-force.
    return hashlib.sha256(raw.encode()).hexdigest()


class XapiClient(BaseModel):
    """An external tool that sends statements, with HTTP Basic credentials (key:secret)."""

    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(_("key"), max_length=64, unique=True)
    secret_hash = models.CharField(max_length=64)
    run = models.ForeignKey(
        "courses.Run",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="xapi_clients",
        help_text=_("Empty: the tool may report on learners of any run."),
    )
    active = models.BooleanField(_("active"), default=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"

    @staticmethod
    def new_key() -> str:
        return "xk_" + secrets.token_hex(10)

    @staticmethod
    def new_secret() -> str:
        return secrets.token_urlsafe(32)

    def authority(self) -> dict:
        return {
            "objectType": "Agent",
            "name": self.name,
            "account": {"homePage": settings.SITE_URL + "/", "name": self.key},
        }


class ActivityIRI(BaseModel):
    """Which PeerPath activity an xAPI activity IRI stands for."""

    iri = models.CharField(_("activity IRI"), max_length=2048, unique=True)
    activity = models.ForeignKey(
        "courses.Activity", on_delete=models.CASCADE, related_name="xapi_iris"
    )

    class Meta:
        verbose_name = "activity IRI"

    def __str__(self) -> str:
        return self.iri


class Statement(models.Model):
    id = models.BigAutoField(primary_key=True)
    statement_id = models.UUIDField(unique=True)
    payload = models.TextField()
    stored = models.DateTimeField()
    verb_iri = models.CharField(max_length=2048)
    activity_iri = models.CharField(max_length=2048, null=True, blank=True)  # noqa: DJ001 (NULL: no such part)
    actor_ifi = models.CharField(max_length=2200, null=True, blank=True)  # noqa: DJ001 (NULL: no such part)
    object_ifi = models.CharField(max_length=2200, null=True, blank=True)  # noqa: DJ001 (NULL: no such part)
    registration = models.UUIDField(null=True, blank=True)
    voids = models.UUIDField(null=True, blank=True, help_text="The statement this one voids.")
    voided = models.BooleanField(default=False)
    has_attachments = models.BooleanField(default=False)
    # No plain index on these two: each index costs every insert. No query starts from the
    # client; the user has the partial index below (statements of PeerPath learners only).
    client = models.ForeignKey(
        XapiClient, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="xapi_statements",
        db_index=False,
    )

    class Meta:
        indexes = [
            models.Index(fields=["stored", "id"], name="xapi_stmt_stored"),
            models.Index(fields=["verb_iri", "stored"], name="xapi_stmt_verb"),
            models.Index(fields=["activity_iri", "stored"], name="xapi_stmt_activity"),
            models.Index(fields=["actor_ifi", "stored"], name="xapi_stmt_actor"),
            # Most statements have an Activity as object and void nothing: partial indexes
            # keep those NULLs out of the B-trees, which every insert would otherwise touch.
            models.Index(
                fields=["object_ifi", "stored"],
                name="xapi_stmt_object_agent_p",
                condition=models.Q(object_ifi__isnull=False),
            ),
            models.Index(fields=["registration", "stored"], name="xapi_stmt_registration"),
            models.Index(
                fields=["voids"], name="xapi_stmt_voids_p", condition=models.Q(voids__isnull=False)
            ),
            # Each learner's latest statement (progress's last_activity_at, risk scores) and
            # unlinking a deleted user. `voided` sits before `stored` so that the index alone
            # answers "latest not voided"; statements of agents who are not PeerPath users
            # (the NULLs) stay out of it.
            models.Index(
                fields=["user", "voided", "stored"],
                name="xapi_stmt_user_p",
                condition=models.Q(user__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


class StatementActivity(models.Model):
    """An activity a statement mentions other than its object (for related_activities).

    Rows name the statement by its UUID rather than a foreign key so that a batch is written
    with one multi-row INSERT per table, without reading generated keys back.
    """

    statement_uuid = models.UUIDField()
    iri = models.CharField(max_length=2048)

    class Meta:
        indexes = [models.Index(fields=["iri", "statement_uuid"], name="xapi_related_activity")]

    def __str__(self) -> str:
        return self.iri


# StatementAgent rows naming a member of the actor or object Group carry this prefix before
# the IFI: the agent filter (without related_agents) matches Groups by their members.
MEMBER = "member:"


class StatementAgent(models.Model):
    """An agent a statement mentions other than actor and object (for related_agents), or,
    prefixed with MEMBER, a member of its actor or object Group (for the agent filter)."""

    statement_uuid = models.UUIDField()
    ifi = models.CharField(max_length=2200)

    class Meta:
        indexes = [models.Index(fields=["ifi", "statement_uuid"], name="xapi_related_agent")]

    def __str__(self) -> str:
        return self.ifi


class StatementTarget(models.Model):
    """A statement whose object is a StatementRef, and each statement down its chain of targets.

    `a` refers to `b`, which refers to `c`: rows (a, b, depth 1) and (a, c, depth 2). A filtered
    GET returns `a` when `b` or `c` matches the filter (the spec's rule for StatementRefs). The
    target may not be stored yet; the chain is extended when it arrives. `voiding` marks the
    direct target of a voiding statement, so that a statement voided before it arrived is
    stored as voided.
    """

    statement_uuid = models.UUIDField()
    target_uuid = models.UUIDField()
    depth = models.PositiveSmallIntegerField(default=1)
    voiding = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["target_uuid", "statement_uuid"], name="xapi_target"),
            models.Index(fields=["statement_uuid"], name="xapi_target_from"),
        ]

    def __str__(self) -> str:
        return f"{self.statement_uuid} → {self.target_uuid}"


class StatementEffect(models.Model):
    """A completion a statement caused, so that voiding the statement can undo it."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="effects")
    enrolment = models.ForeignKey(
        "enrollment.Enrolment", on_delete=models.CASCADE, related_name="+"
    )
    activity = models.ForeignKey("courses.Activity", on_delete=models.CASCADE, related_name="+")
    owned = models.BooleanField(
        default=True, help_text="False when the completion already existed from another source."
    )

    class Meta:
        indexes = [models.Index(fields=["enrolment", "activity"])]

    def __str__(self) -> str:
        return f"{self.statement_id} → {self.enrolment_id}/{self.activity_id}"


class Attachment(models.Model):
    """An attachment's bytes, shared by every statement that names its sha2."""

    sha2 = models.CharField(max_length=128, unique=True)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.sha2


class ActivityDefinition(models.Model):
    """The latest definition of an activity the store has seen, for the Activities resource."""

    iri = models.CharField(max_length=2048, unique=True)
    definition = models.JSONField(default=dict)
    updated = models.DateTimeField()

    def __str__(self) -> str:
        return self.iri


class Document(models.Model):
    """A State, Activity Profile or Agent Profile document.

    Documents belong to the run of the client that created them (`run`), or to the whole site
    when a site-wide client did: a client scoped to a run reads and writes only its run's
    documents; a site-wide client reads and writes the site's own and every run's (see
    selectors.document_find for which one an id names when several runs hold it). The same id
    in the same scope may therefore exist once for the site and once for each run.
    """

    class Kind(models.TextChoices):
        STATE = "state", "State"
        ACTIVITY_PROFILE = "activity_profile", "Activity Profile"
        AGENT_PROFILE = "agent_profile", "Agent Profile"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    activity_iri = models.CharField(max_length=2048, blank=True, default="")
    agent_ifi = models.CharField(max_length=2200, blank=True, default="")
    registration = models.CharField(max_length=36, blank=True, default="")
    document_id = models.CharField(max_length=2048)
    content = models.BinaryField()
    content_type = models.CharField(max_length=255)
    etag = models.CharField(max_length=64)
    updated = models.DateTimeField()
    client = models.ForeignKey(XapiClient, null=True, on_delete=models.SET_NULL, related_name="+")
    run = models.ForeignKey(
        "courses.Run",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: a document of the whole site, written by a site-wide client.",
    )

    key_hash = models.CharField(max_length=64, help_text="Of kind, scope and id.")
    scope_hash = models.CharField(
        max_length=64, help_text="Of kind, activity, agent, registration."
    )

    class Meta:
        indexes = [models.Index(fields=["scope_hash", "updated"], name="xapi_doc_scope")]
        constraints = [
            # One document per key in each run, and one for the site: (key_hash, run) lets NULL
            # runs repeat a key, hence the second, partial constraint. The first also serves
            # the lookup of a key in every run at once (a site-wide client's).
            models.UniqueConstraint(fields=["key_hash", "run"], name="xapi_doc_key_run"),
            models.UniqueConstraint(
                fields=["key_hash"], condition=models.Q(run__isnull=True), name="xapi_doc_key_site"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id}"
