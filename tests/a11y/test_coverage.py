"""Every URL of the project is either audited for accessibility, or named as not a page (with why), or named as
not yet written on this branch: a new page without an audit entry fails here."""

import fnmatch

from django.urls import URLPattern, URLResolver, get_resolver

from tests.a11y.pages import AUDITED, NOT_PAGES, NOT_YET


def url_names(resolver=None, namespace: str = "") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= url_names(entry, inner)
        elif isinstance(entry, URLPattern):
            names.add(f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {entry.pattern}>")
    return names


def _matches(name: str, patterns) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def test_every_url_has_an_audit_entry():
    audited = {page.name for page in AUDITED}
    missing = sorted(
        name
        for name in url_names()
        if name not in audited and not _matches(name, NOT_PAGES) and not _matches(name, NOT_YET)
    )
    assert not missing, (
        "URL patterns with no accessibility audit entry (add each to tests/a11y/pages.py AUDITED, or to "
        f"NOT_PAGES with the reason it is not a page): {missing}"
    )


def test_audit_entries_name_real_urls():
    names = url_names()
    stale = sorted(
        {page.name for page in AUDITED if not page.name.startswith("error:")} - names
        | {name for name in NOT_PAGES if not _matches_any(name, names)}
    )
    assert not stale, f"audit entries for URL names that no longer exist: {stale}"


def _matches_any(pattern: str, names) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for name in names)


def test_not_yet_pages_have_not_landed():
    """The 'not yet' list is a promise: once those pages are on this branch, they need their audit entries."""
    names = url_names()
    landed = sorted(pattern for pattern in NOT_YET if _matches_any(pattern, names))
    assert not landed, (
        f"pages listed as not yet written are here now: {landed}; move them from NOT_YET to AUDITED in "
        "tests/a11y/pages.py"
    )


def test_the_coverage_check_sees_a_page_without_an_entry(tmp_path):
    """Cannot pass vacuously: a URL added to the project and listed nowhere is reported."""
    import sys

    (tmp_path / "a11y_probe_urls.py").write_text(
        "from django.urls import include, path\n"
        "from zhifa.urls import urlpatterns as base\n"
        "from django.http import HttpResponse\n"
        "urlpatterns = [*base, path('brand-new/', lambda r: HttpResponse('x'), name='brand_new')]\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        names = url_names(get_resolver("a11y_probe_urls"))
        assert "brand_new" in names and "dispatch:board" in names and "api:openapi-view" in names
        audited = {page.name for page in AUDITED}
        missing = [
            n for n in names if n not in audited and not _matches(n, NOT_PAGES) and not _matches(n, NOT_YET)
        ]
        assert missing == ["brand_new"]
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("a11y_probe_urls", None)
