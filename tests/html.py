"""Reading a page the way a person does: the text of one element, not a word somewhere on the page."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

import html5lib


def parse(page: str | bytes) -> Element:
    return html5lib.parse(page, namespaceHTMLElements=False)


def text(element: Element) -> str:
    """The element's text as a reader sees it: tags dropped, a line break and runs of white space one space."""
    parts: list[str] = []

    def walk(node: Element) -> None:
        if node.tag == "br":
            parts.append(" ")
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")

    walk(element)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def by_id(page: str, element_id: str) -> str:
    """The text of the element with this id; fails the test when there is none."""
    found = parse(page).find(f".//*[@id='{element_id}']")
    assert found is not None, f"no element with id={element_id!r}"
    return text(found)


def field_error(page: str, field: str) -> str:
    """The message shown under one form field (templates/_macros.html: <p class="error" id="FIELD-error">)."""
    return by_id(page, f"{field}-error")


def field_errors(page: str) -> dict[str, str]:
    """Every field's message, by field name."""
    return {
        p.get("id")[: -len("-error")]: text(p)
        for p in parse(page).iter("p")
        if p.get("class") == "error" and (p.get("id") or "").endswith("-error")
    }


def texts(page: str, tag: str, css_class: str | None = None) -> list[str]:
    """The texts of every `tag` element (with `css_class` among its classes), in page order."""
    return [text(e) for e in parse(page).iter(tag) if css_class is None or css_class in (e.get("class") or "").split()]


def table_rows(page: str, caption_starts: str) -> list[list[str]]:
    """The body rows of the table whose caption starts with `caption_starts`, as lists of cell texts."""
    for table in parse(page).iter("table"):
        caption = table.find("caption")
        if caption is not None and text(caption).startswith(caption_starts):
            body = table.find("tbody") if table.find("tbody") is not None else table
            return [
                [text(cell) for cell in row if cell.tag in ("th", "td")]
                for row in body.iter("tr")
                if row.find("td") is not None
            ]
    raise AssertionError(f"no table with a caption starting {caption_starts!r}")


def alert(page: str) -> str:
    """The text of the page's error summary (role="alert"), where a refused form says what is wrong."""
    found = [e for e in parse(page).iter() if e.get("role") == "alert"]
    assert found, "no error summary (role=alert) on the page"
    return " ".join(text(e) for e in found)


def facts(page: str) -> dict[str, str]:
    """Every description list's terms and descriptions (<dt>…</dt><dd>…</dd>), the dd's text by the dt's."""
    pairs: dict[str, str] = {}
    for dl in parse(page).iter("dl"):
        term = None
        for child in dl:
            if child.tag == "dt":
                term = text(child)
            elif child.tag == "dd" and term is not None:
                pairs[term] = text(child)
    return pairs


def rows_starting(page: str, first_cell: str) -> list[list[str]]:
    """Every table row (of any table) whose first cell's text starts with `first_cell`, as lists of cell texts."""
    found = []
    for row in parse(page).iter("tr"):
        cells = [text(cell) for cell in row if cell.tag in ("th", "td")]
        if cells and cells[0].startswith(first_cell):
            found.append(cells)
    return found
