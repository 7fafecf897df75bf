"""HTML to PDF with WeasyPrint (the only module that imports it).

Sites run on closed networks and templates must never make the server fetch a remote URL, so
the URL fetcher serves files from the app's static folder and refuses everything else.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Mapping
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pikepdf
from flask import current_app, render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class ResourceRefused(ValueError):
    """A document asked for a resource outside the static folder (or over the network)."""


# Documents name the bytes handed to html_to_pdf(resources=...) as RESOURCE_PREFIX + name.
RESOURCE_PREFIX = "file:///__kcvote_resource__/"


class StaticOnlyFetcher(URLFetcher):
    """Serve ``file:`` URLs inside ``root`` and the named in-memory ``resources``, nothing else: no
    http(s), no data:, no other files."""

    def __init__(self, root: str | Path, resources: Mapping[str, tuple[bytes, str]] | None = None) -> None:
        super().__init__(allowed_protocols=("file",))
        self.root = Path(root).resolve()
        self.resources = dict(resources or {})

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith(RESOURCE_PREFIX) and url[len(RESOURCE_PREFIX) :] in self.resources:
            data, content_type = self.resources[url[len(RESOURCE_PREFIX) :]]
            return URLFetcherResponse(url, data, {"Content-Type": content_type})
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


def html_to_pdf(html: str, *, resources: Mapping[str, tuple[bytes, str]] | None = None) -> bytes:
    """Convert an HTML document to PDF bytes; relative URLs point into the static folder, and
    ``RESOURCE_PREFIX + name`` to ``resources[name]`` (bytes, content type)."""
    root = static_root()
    document = HTML(string=html, base_url=f"{root}/", url_fetcher=StaticOnlyFetcher(root, resources))
    pdf: bytes = document.write_pdf()
    return pdf


def render_pdf(template: str, *, resources: Mapping[str, tuple[bytes, str]] | None = None, **context: Any) -> bytes:
    """Render a Jinja template (needs an app context, a request context for the user's language) to PDF."""
    return html_to_pdf(render_template(template, **context), resources=resources)


def merge_pdfs(documents: Iterable[bytes]) -> bytes:
    """Concatenate PDF documents (each certificate as issued) into one, for printing (pikepdf: qpdf's
    C++ copies a thousand pages in about two seconds where a pure-Python merger took twenty)."""
    merged = pikepdf.Pdf.new()
    sources = []  # pikepdf copies lazily: the sources must stay open until the merged file is saved
    for data in documents:
        source = pikepdf.Pdf.open(BytesIO(data))
        sources.append(source)
        merged.pages.extend(source.pages)
    out = BytesIO()
    merged.save(out)
    for source in sources:
        source.close()
    return out.getvalue()


def split_pdf(document: bytes) -> list[bytes]:
    """One PDF per page of ``document``, each with only the resources its page uses (WeasyPrint shares
    one resource dictionary between pages: every image of the document would follow each page)."""
    pages = []
    with pikepdf.Pdf.open(BytesIO(document)) as source:
        source.remove_unreferenced_resources()
        for page in source.pages:
            single = pikepdf.Pdf.new()
            single.pages.append(page)
            out = BytesIO()
            single.save(out)
            pages.append(out.getvalue())
    return pages
