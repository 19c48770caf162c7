"""Credentials for external tools and the activity IRIs that map onto PeerPath activities."""

from django.db import transaction
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.xapi.models import ActivityIRI, XapiClient, hash_secret
from peerpath.xapi.validation.values import IRI_RE


def client_create(*, name: str, run=None) -> tuple[XapiClient, str]:
    """Create a client; return it with its secret, which is shown once and stored only hashed."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("A client needs a name."), field="name")
    secret = XapiClient.new_secret()
    client = XapiClient.objects.create(
        name=name, key=XapiClient.new_key(), secret_hash=hash_secret(secret), run=run
    )
    return client, secret


def client_deactivate(*, client: XapiClient) -> XapiClient:
    from peerpath.xapi.auth import forget_client

    client.active = False
    client.save(update_fields=["active", "updated_at"])
    forget_client(client.key)
    return client


def activity_iri_map(*, iri: str, activity) -> ActivityIRI:
    """Say that the xAPI activity `iri` is the PeerPath `activity` (re-mapping replaces)."""
    iri = iri.strip()
    if not IRI_RE.match(iri):
        raise ApplicationError(_("The activity IRI must be an absolute IRI."), field="iri")
    with transaction.atomic():
        link, _created = ActivityIRI.objects.update_or_create(
            iri=iri, defaults={"activity": activity}
        )
    return link
