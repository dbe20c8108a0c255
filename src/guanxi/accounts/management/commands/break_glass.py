"""``guanxi manage break_glass USERNAME [--from CIDR ...] [--remove-two-factor]``.

The way back in for someone locked out by the sign-in address ranges (or by a lost phone):
whoever can run commands on the server can sign that user in again.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from guanxi.accounts.models import User
from guanxi.accounts.services import security
from guanxi.accounts.services.mfa import mfa_reset


class Command(BaseCommand):
    help = (
        "Let USERNAME sign in again: set the user's own sign-in address ranges (default: any "
        "address), and with --remove-two-factor remove their authenticator app."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--from",
            dest="networks",
            nargs="+",
            default=None,
            metavar="CIDR",
            help="Allow only these ranges (default: every address).",
        )
        parser.add_argument(
            "--remove-two-factor",
            action="store_true",
            help="Also remove the user's authenticator app and recovery codes; where the role "
            "requires two-factor sign-in they set it up again at the next sign-in.",
        )

    def handle(self, *, username: str, networks: list[str] | None, **options) -> None:
        text = "\n".join(networks) if networks else security.ANY_ADDRESS
        try:
            user = security.user_networks_break_glass(username=username, networks=text)
        except User.DoesNotExist as missing:
            raise CommandError(f"No user named {username!r}.") from missing
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        ranges = ", ".join(user.allowed_networks.splitlines())
        self.stdout.write(f"{username} may sign in from: {ranges}")
        if options["remove_two_factor"]:
            mfa_reset(user=user)
            self.stdout.write(f"{username}'s two-factor sign-in was removed.")
