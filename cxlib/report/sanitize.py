"""Make report HTML inert, and prove it.

The allow-list is applied by nh3, the Python binding of the Rust ``ammonia`` sanitizer
(maintained; bleach, used before, is deprecated). Customer text is escaped where it enters (:mod:`cxlib.present.tables`, :mod:`cxlib.present.narrative`). This
module is the second line: whatever the notebook's outputs hold (a raw DataFrame Styler, an
``HTML(...)`` someone wrote by hand, markdown with an image link), :func:`sanitize_fragment`
keeps only an allow-list of tags and attributes, so the published file has

- no ``<script>``, ``<style>``, ``<iframe>``, ``<object>``, ``<form>``, ``<link>``, ``<meta>``, ``<base>``;
- no ``on*=`` event handlers and no ``style`` except plain text alignment;
- no link except to an anchor in the report (``#…``) or a table's CSV download (an embedded
  ``data:text/csv;charset=utf-8;base64,…`` link with a ``download`` name: a file the reader saves,
  nothing that runs), and no image except an embedded ``data:image/…;base64`` one — so opening
  the report requests nothing and reads no local file;
- ``<details>``/``<summary>`` expanders (the full version of a long table) are plain markup.

:func:`inert_problems` checks a *final* file (HTML page) independently of how it was made and
lists anything live; publishing refuses a page with any problem.

Examples
--------
>>> sanitize_fragment('<p onclick="x()">hi<script>alert(1)</script></p><img src="https://t.example/p.png">')
'<p>hi</p>'
>>> inert_problems('<a href="javascript:alert(1)">x</a>')
['<a> href="javascript:alert(1)": javascript: URL']
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["sanitize_fragment", "sanitize_svg", "inert_problems", "ALLOWED_TAGS"]

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "summary", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "section", "small", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
})
_GLOBAL_ATTRS = frozenset({"class", "id", "title", "lang", "dir", "role", "aria-label"})
_TAG_ATTRS = {
    "a": {"href", "download"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "col": {"span"},
    "ol": {"start"},
}
# Elements removed with their content (not left behind as text): code, styles, embedded documents.
_DROP_WITH_CONTENT = ("script", "style", "template", "noscript", "iframe", "object", "svg", "math",
                      "textarea", "title", "head", "select", "video", "audio", "canvas")
_DROP_VOID = ("embed", "link", "meta", "base", "input", "source", "track", "param")
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|svg\+xml);base64,[A-Za-z0-9+/=\s]+$")
#: The one kind of data: link a report may hold: a table's CSV, base64-encoded.
_DATA_CSV = re.compile(r"^data:text/csv;charset=utf-8;base64,[A-Za-z0-9+/=]+$")
_DOWNLOAD = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}\.csv$")
_ALIGN = re.compile(r"^\s*text-align\s*:\s*(left|right|center)\s*;?\s*$", re.I)
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.:-]{0,80}$")
_NUMBER = re.compile(r"^\d{1,4}%?$")
_CLASS = re.compile(r"^[A-Za-z0-9_ -]{0,200}$")


def _allowed_attr(tag: str, name: str, value: str) -> bool:
    if name not in _GLOBAL_ATTRS and name not in _TAG_ATTRS.get(tag, ()):
        return False
    value = value or ""
    if name == "href":
        return (value.startswith("#") and _ID.match(value[1:]) is not None) or _DATA_CSV.match(value) is not None
    if name == "download":
        return _DOWNLOAD.match(value) is not None
    if name == "src":
        return _DATA_IMAGE.match(value) is not None
    if name == "style":
        return _ALIGN.match(value) is not None
    if name == "id":
        return _ID.match(value) is not None
    if name == "class":
        return _CLASS.match(value) is not None
    if name in ("width", "height", "colspan", "rowspan", "span", "start"):
        return _NUMBER.match(value) is not None
    return True


def _attribute_filter(tag: str, name: str, value: str) -> str | None:
    return value if _allowed_attr(tag, name, value) else None


def _cleaner():
    """An nh3 (Rust ammonia) cleaner: the allow-list above, comments dropped, nothing added to links."""
    import nh3

    attributes = {"*": set(_GLOBAL_ATTRS), **{tag: set(names) for tag, names in _TAG_ATTRS.items()}}
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        attributes=attributes,
        attribute_filter=_attribute_filter,
        url_schemes={"data"},
        strip_comments=True,
        link_rel=None,
    )


_CLEANER = None


class _DropBlocks(HTMLParser):
    """Rebuilds the markup without the elements (and content) of ``_DROP_WITH_CONTENT``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in _DROP_VOID:
            return
        if tag in _DROP_WITH_CONTENT:
            self.depth += 1
        elif not self.depth:
            self.out.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag, attrs):
        if not self.depth and tag not in _DROP_WITH_CONTENT and tag not in _DROP_VOID:
            self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag):
        if tag in _DROP_WITH_CONTENT:
            self.depth = max(0, self.depth - 1)
        elif not self.depth and tag not in _DROP_VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.depth:
            self.out.append(data.replace("<", "&lt;").replace(">", "&gt;"))

    def handle_entityref(self, name):
        if not self.depth:
            self.out.append(f"&{name};")

    def handle_charref(self, name):
        if not self.depth:
            self.out.append(f"&#{name};")

    def unknown_decl(self, data):
        pass


def sanitize_fragment(html: str) -> str:
    """Keep only allow-listed tags and attributes of an HTML fragment.

    Parameters
    ----------
    html : str
        A body fragment (notebook outputs and markdown rendered to HTML).

    Returns
    -------
    str
        Inert HTML: see the module notes for what survives. Disallowed tags are removed and
        their text kept (escaped), except code/style/embedded-document elements, which go with
        their content.
    """
    global _CLEANER
    if _CLEANER is None:
        _CLEANER = _cleaner()
    dropper = _DropBlocks()
    dropper.feed(html)
    dropper.close()
    return _IMG_WITHOUT_SRC.sub("", _CLEANER.clean("".join(dropper.out)))


_SVG_DROP = frozenset({"script", "foreignObject", "iframe", "object", "embed", "audio", "video", "animate", "set",
                       "animateMotion", "animateTransform", "handler", "listener"})


def sanitize_svg(svg: str) -> str | None:
    """An SVG image without scripts, event handlers or references outside itself.

    Matplotlib's SVGs survive unchanged in substance (their ``href`` values are ``#id`` anchors
    or embedded ``data:image`` rasters). Returns None when the text is not well-formed SVG.

    >>> sanitize_svg('<svg xmlns="http://www.w3.org/2000/svg" onload="x()"><script>1</script>'
    ...              '<image href="https://t.example/p.png"/><rect width="1"/></svg>')
    '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" /></svg>'
    """
    import xml.etree.ElementTree as ET

    if "<!ENTITY" in svg or "<!DOCTYPE" in svg.upper():
        svg = re.sub(r"<!DOCTYPE[^>\[]*(\[[^\]]*\])?\s*>", "", svg, flags=re.I | re.S)
        if "<!ENTITY" in svg:
            return None
    try:
        root = ET.fromstring(svg)
    except ET.ParseError:
        return None
    ET.register_namespace("", "http://www.w3.org/2000/svg")
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")

    def local(name: str) -> str:
        return name.rsplit("}", 1)[-1]

    def clean(element) -> None:
        for child in list(element):
            name = local(child.tag)
            href = child.get("href") or child.get("{http://www.w3.org/1999/xlink}href")
            outside = href is not None and not (href.startswith("#") or _DATA_IMAGE_PREFIX.match(href.strip()))
            if name in _SVG_DROP or outside:
                element.remove(child)
                continue
            clean(child)
        for attr in list(element.attrib):
            value = element.attrib[attr]
            if local(attr).lower().startswith("on") or _JS.search(re.sub(r"[\x00-\x20]", "", value)) or \
                    _CSS_URL.search(value) or _CSS_BAD.search(value):
                del element.attrib[attr]
        if local(element.tag) == "style" and element.text and (_CSS_URL.search(element.text) or _CSS_BAD.search(element.text)):
            element.text = ""

    if local(root.tag) != "svg":
        return None
    clean(root)
    return ET.tostring(root, encoding="unicode")


_URL_ATTRS = frozenset({"href", "src", "srcset", "action", "formaction", "background", "poster", "data",
                        "xlink:href", "cite", "longdesc", "usemap", "codebase", "manifest", "ping", "lowsrc", "dynsrc"})
_LIVE_TAGS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "base",
                        "link", "portal", "input", "button", "textarea", "select"})
_DATA_IMAGE_PREFIX = re.compile(r"^data:image/(png|jpeg|gif|svg\+xml);base64,", re.I)
_CSS_URL = re.compile(r"url\s*\(\s*['\"]?\s*(?!data:|#)", re.I)
_CSS_BAD = re.compile(r"@import|expression\s*\(|behavior\s*:|-moz-binding", re.I)
_JS = re.compile(r"j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t\s*:|vbscript\s*:", re.I)


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)
        self.in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style and (_CSS_URL.search(data) or _CSS_BAD.search(data)):
            self.problems.append("<style>: url(), @import or expression() pointing outside the file")

    def _check(self, tag: str, attrs) -> None:
        if tag in _LIVE_TAGS:
            self.problems.append(f"<{tag}>: element not allowed in a report")
        if tag == "meta":
            names = {k: (v or "").lower() for k, v in attrs}
            if names.get("http-equiv") not in (None, "content-security-policy", "content-type"):
                self.problems.append(f"<meta http-equiv={names.get('http-equiv')!r}>: not allowed")
        for name, value in attrs:
            value = value or ""
            compact = re.sub(r"[\x00-\x20]", "", value)
            if name.startswith("on"):
                self.problems.append(f"<{tag}> {name}=: event handler")
            if _JS.search(compact):
                self.problems.append(f'<{tag}> {name}="{value}": javascript: URL')
            elif name in _URL_ATTRS and not (value.startswith("#") or _DATA_IMAGE_PREFIX.match(compact)
                                             or (tag == "a" and name == "href" and _DATA_CSV.match(value))):
                self.problems.append(f'<{tag}> {name}="{value[:80]}": not an anchor or data: URI')
            elif name in _URL_ATTRS and compact.lower().startswith("data:image/svg+xml;base64,"):
                self._check_svg(compact.split(",", 1)[1])
            if name == "style" and (_CSS_URL.search(value) or _CSS_BAD.search(value)):
                self.problems.append(f'<{tag}> style="{value}": url()/@import/expression')


def _check_svg_payload(self, payload: str) -> None:
    import base64
    import binascii

    try:
        svg = base64.b64decode(payload, validate=False).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        self.problems.append("embedded SVG image: not valid base64")
        return
    inner = _Checker()
    inner.feed(svg)
    inner.close()
    if re.search(r"<\s*(script|foreignobject)", svg, re.I):
        inner.problems.append("<script>/<foreignObject> inside the SVG")
    self.problems.extend(f"embedded SVG image: {p}" for p in inner.problems)


_Checker._check_svg = _check_svg_payload


def inert_problems(html: str) -> list[str]:
    """Everything live in an HTML page: what a browser would run or fetch.

    Parameters
    ----------
    html : str
        A complete page (or fragment).

    Returns
    -------
    list of str
        One line per problem (empty when the page is inert): ``<script>`` and other live
        elements, ``on*=`` attributes, ``javascript:`` URLs, any ``href``/``src``/… that is not
        ``#anchor`` or an embedded ``data:image/…;base64`` image, CSS ``url()`` to anything but
        ``data:``, ``@import``.
    """
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker.problems
