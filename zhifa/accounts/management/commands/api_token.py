"""Print a new API token for a user, for scripts and integrations: manage.py api_token --user NAME."""

from django.core.management.base import BaseCommand, CommandError

from zhifa.accounts.models import User
from zhifa.accounts.services import api_token_create
from zhifa.core.errors import ServiceError


class Command(BaseCommand):
    help = "Create an API token for a user and print it once (only its digest is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--name", default="命令行创建", help="what the token is for")

    def handle(self, *args, user: str, name: str, **options):
        owner = User.objects.filter(username=user).first()
        if owner is None or not owner.is_active:
            raise CommandError(f"用户“{user}”不存在或已停用")
        try:
            _, raw = api_token_create(user=owner, name=name, by=f"manage.py api_token ({user})")
        except ServiceError as err:
            raise CommandError(err.message) from None
        self.stdout.write(raw)
