"""大字模式 (适老化): read where the choice is kept — on the account when signed in, else in a cookie."""

LARGE_TEXT_COOKIE = "zhifa_large_text"
LARGE_TEXT_COOKIE_AGE = 365 * 24 * 3600


def large_text_for(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(user.large_text)
    return request.COOKIES.get(LARGE_TEXT_COOKIE) == "1"
