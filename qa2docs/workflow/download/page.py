"""The page of ESO's mail: its links to ASDM tars and md5 files, and the md5 files' lines."""

from __future__ import annotations

import posixpath
import re
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser

from qa2docs.errors import Qa2DocsError

TAR_RE = re.compile(r"^uid___[A-Za-z0-9_]+\.(?:tar|tar\.gz|tgz)$")
MD5_RE = re.compile(r"^(?:md5sums?\.txt|.+\.md5)$", re.I)
_MD5_LINE = re.compile(r"^\s*([0-9a-fA-F]{32})\s+\*?(\S.*?)\s*$")
_BSD_LINE = re.compile(r"^\s*MD5\s*\((.+)\)\s*=\s*([0-9a-fA-F]{32})\s*$")


@dataclass
class Link:
    """A file the page links to: its absolute URL and its file name."""

    url: str
    name: str


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.extend(v for k, v in attrs if k == "href" and v)


def find_links(html: str, base_url: str) -> tuple[list[Link], list[Link]]:
    """The ASDM tar links and the md5 file links of a page, absolute, http(s) only, unique."""
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    tars: dict[str, Link] = {}
    md5s: dict[str, Link] = {}
    for href in parser.hrefs:
        url = urllib.parse.urljoin(base_url, href.strip())
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https"):
            continue
        name = posixpath.basename(urllib.parse.unquote(parts.path))
        if TAR_RE.match(name):
            tars.setdefault(name, Link(url, name))
        elif MD5_RE.match(name):
            md5s.setdefault(name, Link(url, name))
    return list(tars.values()), list(md5s.values())


def parse_md5(text: str, file_name: str = "md5sums.txt") -> dict[str, str]:
    """File name -> md5 from ``md5sum`` (``<md5>  <name>``) or BSD (``MD5 (name) = <md5>``) text.

    A ``<tar>.md5`` file holding only a digest gives that digest to ``<tar>``.
    """
    sums: dict[str, str] = {}
    for line in text.splitlines():
        if m := _MD5_LINE.match(line):
            sums[posixpath.basename(m.group(2).replace("\\", "/"))] = m.group(1).lower()
        elif m := _BSD_LINE.match(line):
            sums[posixpath.basename(m.group(1))] = m.group(2).lower()
        elif re.fullmatch(r"\s*[0-9a-fA-F]{32}\s*", line) and file_name.lower().endswith(".md5"):
            sums[file_name[:-4]] = line.strip().lower()
    return sums


def check_url(url: str) -> None:
    """A one-line error unless *url* is an http(s) URL with a host."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Qa2DocsError(f"{url}: not an http(s) URL (give the page from ESO's mail)")
