"""Using the dashboard as a browser does: log in through the form, post forms with their CSRF
token and our own Origin (TestClient sends no Origin header by itself; browsers do)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

ORIGIN = "http://testserver"  # TestClient's base URL
SAME_ORIGIN = {"Origin": ORIGIN}
SESSION_COOKIE = "akkoord_session"


def hidden(html: str, name: str = "csrf_token") -> str:
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    assert found is not None, f"no hidden {name} in the page"
    return found.group(1)


def log_in(client: TestClient, token: str) -> str:
    """A new session for `token` in the client's cookies; returns its CSRF token."""
    client.cookies.clear()
    form = client.get("/login")
    assert form.status_code == 200, form.text[:300]
    done = client.post(
        "/login",
        data={"token": token, "csrf_token": hidden(form.text)},
        headers=SAME_ORIGIN,
        follow_redirects=False,
    )
    assert done.status_code == 303, (done.status_code, done.text[:300])
    home = client.get("/", follow_redirects=False)
    assert home.status_code == 200, (home.status_code, home.text[:300])
    return hidden(home.text)


class Sessions:
    """One logged-in session per role, kept, so a module's tests do not log in every time
    (logins are rate-limited per client address)."""

    def __init__(self, client: TestClient, tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = tokens
        self.kept: dict[str, tuple[str, str]] = {}  # role -> (session cookie, csrf token)

    def use(self, role: str) -> str:
        """Make `role`'s session the client's; returns its CSRF token."""
        if role not in self.kept:
            csrf = log_in(self.client, self.tokens[role])
            self.kept[role] = (self.client.cookies[SESSION_COOKIE], csrf)
        cookie, csrf = self.kept[role]
        self.client.cookies.clear()
        self.client.cookies.set(SESSION_COOKIE, cookie)
        return csrf

    def post(self, role: str, path: str, data: dict[str, str], **kwargs: Any) -> Any:
        csrf = self.use(role)
        return self.client.post(
            path, data={**data, "csrf_token": csrf}, headers=SAME_ORIGIN, **kwargs
        )
