"""Every response carries the Content-Security-Policy: no inline script, no framing."""

from django.test import Client


def test_pages_and_the_api_carry_the_policy(org):
    client = Client()
    for path in ["/accounts/login/", "/api/schema/", "/no-such-page/"]:
        policy = client.get(path)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'", path
        assert "unsafe-inline" not in directives["script-src"]
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"


def test_no_template_has_an_inline_script_or_handler():
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "src" / "guanxi" / "templates"
    offenders = []
    for template in templates.rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(
            r"\s(on[a-z]+|hx-on[:\w-]*)=\"", text
        ):
            offenders.append(template.name)
    assert offenders == []
