"""Print the demo logins, so a new user can sign in after `make run`."""

from django.core.management.base import BaseCommand

from zhifa.accounts.models import User
from zhifa.demo.spec import DEMO_PASSWORD
from zhifa.demo.users import DEMO_USERS


def login_url(host: str, port: int) -> str:
    """The address to open in a browser on this machine for a server bound to host:port (a wildcard bind
    is opened through the loopback address)."""
    if host in ("", "0.0.0.0", "::", "[::]"):
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/"


class Command(BaseCommand):
    help = "列出演示账号"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="服务监听的地址（make run HOST=…）")
        parser.add_argument("--port", type=int, default=8000, help="服务端口（make run PORT=…）")

    def handle(self, *args, host: str = "127.0.0.1", port: int = 8000, **options):
        present = set(
            User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).values_list("username", flat=True)
        )
        if not present:
            self.stdout.write("没有演示账号（数据库不是由 demo_district 生成的）")
            return
        url = login_url(host, port)
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}），请打开 {url} 登录：")
        if host in ("0.0.0.0", "::", "[::]"):
            self.stdout.write(
                f"（服务监听所有地址：其他电脑请用本机的 IP 地址和端口 {port} 访问，并把该地址加入 ALLOWED_HOSTS）"
            )
        for username, _name, role, _unit, note in DEMO_USERS:
            if username in present:
                self.stdout.write(f"  {username:<16} {role.label:<10} {note}")
        self.stdout.write("")
