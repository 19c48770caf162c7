"""Writes of the LRS: statements, documents, clients, activity IRI mappings."""

from peerpath.xapi.services.clients import activity_iri_map, client_create, client_deactivate
from peerpath.xapi.services.documents import document_delete, document_write
from peerpath.xapi.services.statements import format_instant, statement_store

__all__ = [
    "activity_iri_map",
    "client_create",
    "client_deactivate",
    "document_delete",
    "document_write",
    "format_instant",
    "statement_store",
]
