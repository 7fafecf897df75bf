"""HTML to PDF with WeasyPrint (the only module that imports it).

Sites run on closed networks and templates must never make the server fetch a remote URL, so
the URL fetcher serves files from the app's static folder and refuses everything else.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class ResourceRefused(ValueError):
    """A document asked for a resource outside the static folder (or over the network)."""


class StaticOnlyFetcher(URLFetcher):
    """Serve ``file:`` URLs inside ``root`` and nothing else: no http(s), no data:, no other files."""

    def __init__(self, root: str | Path) -> None:
        super().__init__(allowed_protocols=("file",))
        self.root = Path(root).resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise ResourceRefused(f"refused to fetch {url!r}: only the static folder is served")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ResourceRefused(f"refused to fetch {url!r}: not a file of the static folder")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    def __call__(self, url: str) -> URLFetcherResponse:
        return self.fetch(url)


def static_root() -> Path:
    """The app's static folder, which relative URLs in printed documents resolve against."""
    folder = current_app.static_folder
    if folder is None:  # create_app always sets one; guard for a misconfigured app
        raise RuntimeError("the application has no static folder")
    return Path(folder).resolve()


def html_to_pdf(html: str) -> bytes:
    """Convert an HTML document to PDF bytes; relative URLs point into the static folder."""
    root = static_root()
    document = HTML(string=html, base_url=f"{root}/", url_fetcher=StaticOnlyFetcher(root))
    pdf: bytes = document.write_pdf()
    return pdf


def render_pdf(template: str, **context: Any) -> bytes:
    """Render a Jinja template (needs an app context, a request context for the user's language) to PDF."""
    return html_to_pdf(render_template(template, **context))
