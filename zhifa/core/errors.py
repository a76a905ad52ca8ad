"""Errors raised by services, carrying a message for people and per-field messages for forms and the API."""


class ServiceError(Exception):
    """A business rule refused the action; nothing was written."""

    status = 400

    def __init__(self, message: str, errors: list[dict] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


class PermissionError_(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409


def require_write(scope) -> None:
    if not scope.can_write:
        raise PermissionError_("您的角色为只读，不能进行此操作")
