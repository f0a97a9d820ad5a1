"""A spreadsheet as rows of named cells: a CSV file (comma, semicolon or tab; UTF-8 with or without the BOM that
Excel writes) or an XLSX workbook (its first sheet). Each cell keeps its address (C4), so that every problem can
name where it is. The file is judged by its bytes, not its name; what cannot be read is refused as a whole, with
a message that says why, before any row is looked at."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from registry.exceptions import DomainError
from registry.text import _

MAX_ROWS = 10_000
MAX_COLUMNS = 60
MAX_CELL = 5_000
DELIMITERS = (";", ",", "\t")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the binary .xls of Excel 97-2003


@dataclass(frozen=True)
class Column:
    """One column of an import: its key and the header it has in each template language."""

    key: str
    en: str
    nl: str
    required: bool = False

    def header(self, language: str) -> str:
        return self.nl if language == "nl" else self.en

    def names(self) -> set[str]:
        return {_header_key(self.key), _header_key(self.en), _header_key(self.nl)}


@dataclass(frozen=True)
class Cell:
    value: str
    ref: str  # the spreadsheet address, such as C4
    formula: bool = False


@dataclass
class Row:
    number: int  # the line of the file or the sheet's row number, as the spreadsheet program shows it
    cells: dict[str, Cell]
    extra: list[Cell] = field(default_factory=list)  # filled cells right of the first row's last column

    def value(self, key: str) -> str:
        cell = self.cells.get(key)
        return cell.value if cell is not None else ""

    def ref(self, key: str) -> str:
        cell = self.cells.get(key)
        return cell.ref if cell is not None else f"{key}{self.number}"


@dataclass
class Table:
    filename: str
    kind: str  # "csv" or "xlsx"
    headers: dict[str, str]  # column key → the column letter it was found in
    rows: list[Row]
    unknown_headers: list[str] = field(default_factory=list)


def _header_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower()).strip()


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _refuse(message) -> DomainError:
    return DomainError(message, "file")


def read_table(filename: str, data: bytes, columns: list[Column]) -> Table:
    """The rows of `data` under the named `columns`; refuses a file that is empty, not CSV or XLSX, not UTF-8,
    too long, or without the required columns."""
    if not data.strip():
        raise _refuse(_("The file is empty. Choose the filled-in template (CSV or XLSX)."))
    if data.startswith(OLE_MAGIC):
        raise _refuse(_("This is an old Excel file (.xls). Save it as Excel workbook (.xlsx) or as CSV UTF-8."))
    if data.startswith(ZIP_MAGIC):
        grid, kind = _xlsx_grid(data), "xlsx"
    else:
        grid, kind = _csv_grid(data), "csv"
    return _table(filename, kind, grid, columns)


def _csv_grid(data: bytes) -> list[list[Cell]]:
    if b"\x00" in data[:4096]:
        raise _refuse(_("This file is not a CSV or XLSX file. Save the spreadsheet as CSV UTF-8 or as XLSX."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _refuse(
            _(
                "The file is not UTF-8 (an unreadable character on line %(line)d). In Excel choose Save as, "
                "'CSV UTF-8 (comma delimited)', or save it as XLSX.",
                line=line,
            )
        ) from error
    lines = text.splitlines(keepends=True)
    delimiter = None
    if lines and re.fullmatch(r"sep=(.)\s*", lines[0]):  # Excel's own hint of the delimiter
        delimiter, lines = lines[0][4], lines[1:]
    header = lines[0] if lines else ""
    delimiter = delimiter or max(DELIMITERS, key=header.count)
    grid = []
    try:
        for number, cells in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
            if number > MAX_ROWS + 1:
                raise _too_long()
            if len(cells) > MAX_COLUMNS:
                raise _too_wide()
            grid.append([_text_cell(value, column_letter(i) + str(number)) for i, value in enumerate(cells)])
    except csv.Error as error:
        raise _refuse(_("The CSV file cannot be read: %(reason)s.", reason=str(error))) from error
    return grid


def _text_cell(value: str, ref: str) -> Cell:
    value = value.strip()
    # A spreadsheet program would run a cell that starts with '=' as a formula: it is not a value to record.
    return Cell(value[:MAX_CELL], ref, formula=value.startswith("=") and len(value) > 1)


def _too_long() -> DomainError:
    return _refuse(_("The file has more than %(count)d rows. Split it into smaller files.", count=MAX_ROWS))


def _too_wide() -> DomainError:
    return _refuse(_("The file has more than %(count)d columns. Use the template's columns.", count=MAX_COLUMNS))


def _xlsx_grid(data: bytes) -> list[list[Cell]]:
    from openpyxl import load_workbook  # read only when a workbook comes in (openpyxl takes a while to load)

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, Exception) as error:  # openpyxl has its own kinds for a damaged workbook
        raise _refuse(_("This file is not a readable XLSX workbook. Save it again as XLSX or as CSV UTF-8.")) from error
    try:
        sheet = workbook.worksheets[0]
        grid = []
        for number, row in enumerate(sheet.iter_rows(), start=1):
            if number > MAX_ROWS + 1:
                raise _too_long()
            if len(row) > MAX_COLUMNS and any(c.value not in (None, "") for c in row[MAX_COLUMNS:]):
                raise _too_wide()
            grid.append([_xlsx_cell(c, column_letter(i) + str(number)) for i, c in enumerate(row[:MAX_COLUMNS])])
        return grid
    finally:
        workbook.close()


def _xlsx_cell(cell, ref: str) -> Cell:
    value = cell.value
    if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=") and len(value) > 1):
        return Cell(str(value)[:MAX_CELL], ref, formula=True)
    if value is None:
        return Cell("", ref)
    if isinstance(value, datetime):
        return Cell((value.date() if value.time() == datetime.min.time() else value).isoformat(), ref)
    if isinstance(value, date):
        return Cell(value.isoformat(), ref)
    if isinstance(value, bool):
        return Cell("yes" if value else "no", ref)
    if isinstance(value, float) and value.is_integer():
        return Cell(str(int(value)), ref)
    return Cell(str(value).strip()[:MAX_CELL], ref)


def _table(filename: str, kind: str, grid: list[list[Cell]], columns: list[Column]) -> Table:
    grid = [row for row in grid if any(cell.value for cell in row)]
    if not grid:
        raise _refuse(_("The file is empty. Choose the filled-in template (CSV or XLSX)."))
    header, *body = grid
    wanted = {name: column for column in columns for name in column.names()}
    positions: dict[int, str] = {}
    unknown = []
    for index, cell in enumerate(header):
        if not cell.value:
            continue
        column = wanted.get(_header_key(cell.value))
        if column is None:
            unknown.append(cell.value)
        elif column.key in positions.values():
            raise _refuse(_("The column '%(name)s' appears twice in the first row.", name=cell.value))
        else:
            positions[index] = column.key
    missing = [column for column in columns if column.required and column.key not in positions.values()]
    if missing:
        raise _refuse(
            _(
                "The first row must name the columns of the template; missing: %(names)s.",
                names=", ".join(f"'{column.en}' / '{column.nl}'" for column in missing),
            )
        )
    rows = []
    for cells in body:
        number = int(re.sub(r"^[A-Z]+", "", cells[0].ref))
        named = {positions[i]: cell for i, cell in enumerate(cells) if i in positions}
        extra = [cell for cell in cells[len(header) :] if cell.value]
        rows.append(Row(number, named, extra))
    headers = {key: column_letter(index) for index, key in positions.items()}
    return Table(filename, kind, headers, rows, unknown)
