"""`peerpath api_token --email E --name N`: create a personal API token, printed once."""

from django.core.management.base import BaseCommand, CommandError

from peerpath.accounts.models import User
from peerpath.accounts.services import api_token_create
from peerpath.common.errors import ApplicationError


class Command(BaseCommand):
    help = "Create a personal API token for a user; the token is printed on the last line."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True)

    def handle(self, *args, email, name, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"--email: no user with the address {email!r}")
        try:
            _token, raw = api_token_create(user=user, name=name)
        except ApplicationError as error:
            raise CommandError(f"--name: {error.message}") from error
        self.stdout.write(raw)
