"""System checks (runserver, migrate, `manage.py check`): the code-signing keys load."""

from django.conf import settings
from django.core import checks

from zhifa.codes.keys import CodeKeyError, code_keys


@checks.register()
def signing_keys_check(app_configs=None, **kwargs):
    keys_file = settings.ZHIFA_CODE_KEYS_FILE
    if not (settings.ZHIFA_CODE_KEYS or settings.ZHIFA_KEYS_AUTOCREATE or keys_file.exists()):
        return [
            checks.Error(
                f"行政行为码签名密钥文件 {keys_file} 不存在",
                hint="设置 ZHIFA_CODE_KEYS_FILE / ZHIFA_CODE_KEYS，或运行 python manage.py codes_keys init",
                id="codes.E001",
            )
        ]
    if settings.ZHIFA_CODE_KEYS or settings.ZHIFA_CODE_KEYS_FILE.exists():
        try:
            code_keys()
        except CodeKeyError as exc:
            return [checks.Error(str(exc), id="codes.E002")]
    return []
