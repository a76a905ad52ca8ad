"""Print the demo logins, so a new user can sign in after `make run`."""

from django.core.management.base import BaseCommand

from zhifa.accounts.models import User
from zhifa.demo.spec import DEMO_PASSWORD
from zhifa.demo.users import DEMO_USERS


class Command(BaseCommand):
    help = "列出演示账号"

    def handle(self, *args, **options):
        present = set(
            User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).values_list("username", flat=True)
        )
        if not present:
            self.stdout.write("没有演示账号（数据库不是由 demo_district 生成的）")
            return
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}），请打开 http://127.0.0.1:8000/ 登录：")
        for username, _name, role, _unit, note in DEMO_USERS:
            if username in present:
                self.stdout.write(f"  {username:<16} {role.label:<10} {note}")
        self.stdout.write("")
