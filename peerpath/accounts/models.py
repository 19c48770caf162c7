"""People, their roles in runs, and API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from peerpath.common.models import BaseModel


class PeerPathUserManager(UserManager):
    def get_by_email(self, email: str):
        return self.get(email__iexact=email.strip())


class User(AbstractUser):
    """A person. Learners sign in by e-mailed link; staff also have a password."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("name"), max_length=150, blank=True)
    timezone = models.CharField(_("timezone"), max_length=64, default="UTC")
    language = models.CharField(_("language"), max_length=16, default="en")

    objects = PeerPathUserManager()

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.email.split("@")[0]


class RunRole(BaseModel):
    """A person's role in one run of a course. Learners get theirs on enrolment."""

    class Role(models.TextChoices):
        INSTRUCTOR = "instructor", _("Instructor")
        FACILITATOR = "facilitator", _("Facilitator")
        TUTOR = "tutor", _("Tutor")
        LEARNER = "learner", _("Learner")

    run = models.ForeignKey("courses.Run", on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="run_roles")
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "user", "role"], name="unique_run_user_role")
        ]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} in {self.run}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(BaseModel):
    """A personal API token. Only its hash is stored; the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_raw_token() -> str:
        return "pp_" + secrets.token_urlsafe(32)


class LinkRequest(BaseModel):
    """One request for a sign-in or sign-up link, kept to rate-limit abuse."""

    kind = models.CharField(max_length=16)
    email = models.CharField(max_length=254, db_index=True)
    client = models.CharField(max_length=64, db_index=True)
