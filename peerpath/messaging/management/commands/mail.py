"""`peerpath mail ...`: the operator's mail commands.

    peerpath mail bounces --maildir PATH   read DSNs (RFC 3464) from a Maildir; hard bounces
                                           suppress their address
    peerpath mail deliver                  send every due message now (what the worker does)
    peerpath mail plan                     plan and reconcile the timed messages now
    peerpath mail suppress EMAIL [--remove]
"""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Mail: bounce intake from a Maildir, delivery and planning by hand, suppressions."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        bounces = sub.add_parser("bounces", help="Read delivery status notifications.")
        bounces.add_argument("--maildir", required=True, help="Path of the Maildir to read.")
        sub.add_parser("deliver", help="Send every due message now.")
        sub.add_parser("plan", help="Plan and reconcile the time-triggered messages now.")
        suppress = sub.add_parser("suppress", help="Suppress an address (or lift it).")
        suppress.add_argument("email")
        suppress.add_argument("--remove", action="store_true")

    def handle(self, *args, action, **options):
        from peerpath.messaging import services

        if action == "bounces":
            try:
                result = services.bounces_from_maildir(path=options["maildir"])
            except FileNotFoundError as error:
                raise CommandError(str(error)) from None
            for name, reason in result["errors"]:
                self.stderr.write(f"{name}: {reason}")
            self.stdout.write(
                f"{result['read']} messages read: {result['recorded']} bounces recorded "
                f"({result['hard']} hard, {result['soft']} soft), "
                f"{result['duplicates']} already known, {len(result['errors'])} unreadable."
            )
        elif action == "deliver":
            counts = services.outbox_deliver_due()
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
        elif action == "plan":
            from peerpath.messaging.planner import messages_plan_all

            totals = messages_plan_all()
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in totals.items()))
        elif action == "suppress":
            if options["remove"]:
                n = services.suppression_remove(email=options["email"])
                self.stdout.write(f"{n} suppression removed.")
            else:
                services.suppression_add(email=options["email"], reason="manual")
                self.stdout.write(f"{options['email'].lower()} suppressed.")
