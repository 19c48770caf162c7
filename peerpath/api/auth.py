"""API authentication: personal tokens sent as `Authorization: Bearer <token>`."""

from ninja.security import HttpBearer

from peerpath.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_authenticate(raw=token)
        if user is not None:
            request.user = user
        return user
