"""A demo user's walk of the site by its links, over HTTP through Django's test client: what the link-walk browser test
and the export checks share."""

from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

DOWNLOAD_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

def pattern_name(path: str) -> str:
    """The URL pattern a path matches: its namespaced name, or its route where it has none (``/``)."""
    match = resolve(path)
    return match.view_name if match.url_name else f"/{match.route}"


def every_pattern(resolver=None, namespace: str = "", prefix: str = "") -> set[str]:
    """The names of every URL pattern of the site, as ``pattern_name`` gives them; the admin's beyond its index are
    left out (Django's own pages)."""
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= every_pattern(entry, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            names.add(f"{namespace}{entry.name}" if entry.name else f"/{prefix}{entry.pattern}")
    return {name for name in names if not name.startswith(("admin:", "/admin/")) or name == "admin:index"}


# The addresses of one pattern that a walk follows: the first few stand for the rest.
PER_PATTERN = 5


def _pattern_or_none(address: str) -> str | None:
    try:
        return pattern_name(urlsplit(address).path)
    except Resolver404:
        return None  # not a page of the site: followed, to be reported as a 404


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _same_site(base: str, href: str) -> str | None:
    """The path and query of a link within the site that the walk follows, or None for any other link."""
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if parts.path.startswith("/admin/") and parts.path != "/admin/":
        return None
    if parts.path in ("/sign-out/",) or parts.path.startswith("/static/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Walk:
    """One user's breadth-first walk of the site's links from ``/``, by HTTP."""

    def __init__(self, client: Client):
        self.client = client
        self.pages: dict[str, str] = {}  # the first page of each pattern that is an HTML page, in the walk's order
        self.reached: set[str] = set()
        self.problems: list[str] = []
        self.addresses = 0

    def run(self) -> None:
        linked_from = {"/": "the start"}
        queued: dict[str, int] = {}  # how many addresses of each pattern are queued
        queue = deque(["/"])
        while queue:
            address = queue.popleft()
            self.addresses += 1
            response = self.client.get(address)
            try:
                where = f"{address} (linked from {linked_from[address]})"
                pattern = pattern_name(urlsplit(address).path)
                self.reached.add(pattern)
                for link in self._links(address, pattern, response, where):
                    if link in linked_from:
                        continue
                    # A few addresses of each pattern stand for the rest (a demo's 300 care packages are one page).
                    linked = _pattern_or_none(link)
                    if queued.get(linked, 0) < PER_PATTERN:
                        queued[linked] = queued.get(linked, 0) + 1
                        linked_from[link] = address
                        queue.append(link)
            finally:
                # Closed as the test client closes what it answers: without ending a test's open transaction.
                request_finished.disconnect(close_old_connections)
                response.close()
                request_finished.connect(close_old_connections)

    def download(self, address: str, pattern: str, response) -> None:
        """Look at a download of the right type: a walk that checks what is in the files says how."""

    def _links(self, address: str, pattern: str, response, where: str) -> list[str]:
        if response.status_code in (301, 302):
            target = _same_site(address, response["Location"])
            if target is None or urlsplit(target).path == "/sign-in/":
                self.problems.append(f"{where} redirects to {response['Location']}")
                return []
            return [target]
        if response.status_code != 200:
            self.problems.append(f"{where} answers {response.status_code}")
            return []
        content_type = response["Content-Type"]
        extension = Path(urlsplit(address).path).suffix
        if extension in DOWNLOAD_TYPES:
            if not content_type.startswith(DOWNLOAD_TYPES[extension]):
                self.problems.append(f"{where} answers {content_type}, not {DOWNLOAD_TYPES[extension]}")
            else:
                self.download(address, pattern, response)
            return []
        if not content_type.startswith("text/html"):
            if "attachment" not in response.get("Content-Disposition", ""):
                self.problems.append(f"{where} answers {content_type} and is not a download")
            return []
        self.pages.setdefault(pattern, address)
        if pattern.startswith("admin:"):
            return []
        parser = LinkParser()
        parser.feed(response.content.decode())
        return [link for link in (_same_site(address, href) for href in parser.hrefs) if link is not None]
