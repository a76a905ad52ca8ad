"""Password validators with the Chinese the users read: Django 5.2's zh-hans catalog lacks the new wording of
the length message, which would otherwise appear in English."""

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码长度太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少 {self.min_length} 个字符。"
