"""Shared model base classes."""

from django.db import models


class BaseModel(models.Model):
    """Every PeerPath row knows when it was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class UsedLink(models.Model):
    """A once-only signed link that has been used (see `peerpath.common.signed_links`)."""

    digest = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=40)
    used_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.purpose} link used {self.used_at:%Y-%m-%d %H:%M}"
