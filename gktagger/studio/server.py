"""Talking to a Label Studio server: connection, projects, errors as one line for the user.

Every server problem (unreachable, token refused, unknown project, an HTTP error) becomes a
:class:`StudioError`, which the CLI prints as one line and exits 2 on.

>>> url_and_token(None, "abc", env={"LABEL_STUDIO_URL": "http://127.0.0.1:8080/"})
('http://127.0.0.1:8080', 'abc')
>>> url_and_token(None, None, env={})
Traceback (most recent call last):
...
gktagger.studio.server.StudioError: no Label Studio API token: pass --token or set LABEL_STUDIO_API_KEY (Label Studio: Account & Settings > Personal Access Token)
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator, Mapping

from gktagger.run.batch import UsageError

DEFAULT_URL = "http://localhost:8080"
TIMEOUT_SECONDS = 120.0


class StudioError(UsageError):
    """A Label Studio problem the user has to fix; the message is one line."""


def url_and_token(url: str | None, token: str | None, env: Mapping[str, str] = os.environ) -> tuple[str, str]:
    """``--url``/``--token``, else ``LABEL_STUDIO_URL``/``LABEL_STUDIO_API_KEY``."""
    url = (url or env.get("LABEL_STUDIO_URL") or DEFAULT_URL).rstrip("/")
    token = token or env.get("LABEL_STUDIO_API_KEY")
    if not token:
        raise StudioError("no Label Studio API token: pass --token or set LABEL_STUDIO_API_KEY "
                          "(Label Studio: Account & Settings > Personal Access Token)")
    return url, token


def _detail(body) -> str:
    """The useful part of an error body: field errors ("title: …") before a generic "detail"."""
    if isinstance(body, dict):
        errors = body.get("validation_errors")
        if isinstance(errors, dict) and errors:
            body = "; ".join(f"{k}: {' '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in errors.items())
        else:
            body = body.get("detail") or body.get("message") or body
    return " ".join(str(body).split())[:300]


@contextmanager
def server_errors(url: str) -> Iterator[None]:
    """Turn SDK and network exceptions into a one-line :class:`StudioError`."""
    import httpx
    from label_studio_sdk.core.api_error import ApiError

    try:
        yield
    except httpx.TimeoutException:
        raise StudioError(f"Label Studio at {url} did not answer within {TIMEOUT_SECONDS:.0f} s") from None
    except httpx.HTTPError as e:
        raise StudioError(f"cannot reach Label Studio at {url} ({type(e).__name__}: {e}): start it "
                          "(README: Annotating with Label Studio) or pass --url / set LABEL_STUDIO_URL") from None
    except ApiError as e:
        if e.status_code in (401, 403):
            raise StudioError(f"Label Studio at {url} refused the API token (HTTP {e.status_code}): pass the "
                              "token of Account & Settings as --token or LABEL_STUDIO_API_KEY") from None
        raise StudioError(f"Label Studio at {url} answered HTTP {e.status_code}: {_detail(e.body)}") from None


@dataclass
class Studio:
    """A checked connection: the SDK client and the server's base URL."""
    client: object
    url: str

    def project_url(self, project_id: int) -> str:
        return f"{self.url}/projects/{project_id}/data"

    def find_project(self, title: str):
        """The project titled exactly ``title``, or None; two such projects are an error."""
        found = [p for p in self.client.projects.list(title=title) if p.title == title]
        if len(found) > 1:
            raise StudioError(f"{len(found)} Label Studio projects are titled {title!r} "
                              f"(ids {', '.join(str(p.id) for p in found)}): rename all but one")
        return found[0] if found else None

    def project(self, title: str):
        """The project titled ``title``; an unknown title is an error."""
        project = self.find_project(title)
        if project is None:
            raise StudioError(f"no Label Studio project titled {title!r} at {self.url}: check --project, "
                              f"or create it with `gktagger studio push INPUT... --project {title!r}`")
        return project


def connect(url: str | None = None, token: str | None = None) -> Studio:
    """A client whose URL and token the server has accepted (one authenticated request)."""
    try:
        from label_studio_sdk import LabelStudio
    except ImportError:
        raise StudioError("Label Studio commands need the studio extra: pip install 'gktagger[studio]'") from None

    url, token = url_and_token(url, token)
    with server_errors(url):
        client = LabelStudio(base_url=url, api_key=token, timeout=TIMEOUT_SECONDS)
        client.users.whoami(request_options={"max_retries": 0})  # a server that is down fails at once
    return Studio(client, url)
