"""Open Badges 3.0: the issuer's signing keys, an achievement per course, issued credentials."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from peerpath.common.models import BaseModel


class IssuerKey(BaseModel):
    """An Ed25519 key the site signs credentials with. Old keys stay published so that the
    credentials they signed still verify; only the newest active key signs."""

    kid = models.CharField(max_length=40, unique=True)
    private_key = models.BinaryField()
    public_key = models.BinaryField()
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.kid


class Achievement(BaseModel):
    """What a course's badge stands for."""

    course = models.OneToOneField(
        "courses.Course", on_delete=models.CASCADE, related_name="achievement"
    )
    name = models.CharField(_("badge name"), max_length=200)
    description = models.TextField(_("description"))
    criteria = models.TextField(_("criteria"), help_text=_("What a learner did to earn it."))

    def __str__(self) -> str:
        return self.name


class BadgeCredential(BaseModel):
    enrolment = models.OneToOneField(
        "enrollment.Enrolment", on_delete=models.CASCADE, related_name="badge"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="issued")
    issued_at = models.DateTimeField()
    token = models.TextField(help_text=_("The signed credential (VC-JWT)."))
    key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.achievement} for {self.enrolment}"

    @property
    def urn(self) -> str:
        return f"urn:uuid:{self.uuid}"
