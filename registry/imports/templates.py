"""The templates a processor fills in: the columns of an import with an example row, as CSV (UTF-8 with the BOM
and semicolons, as Dutch Excel opens it) or as an XLSX workbook, with the headers in English or Dutch."""

from __future__ import annotations

import csv
import io

from registry.imports.tables import Column


def csv_template(columns: list[Column], examples: list[dict[str, str]], language: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header(language) for column in columns])
    for example in examples:
        writer.writerow([example.get(column.key, "") for column in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_template(columns: list[Column], examples: list[dict[str, str]], language: str, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([column.header(language) for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for example in examples:
        sheet.append([example.get(column.key, "") for column in columns])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(14, len(column.header(language)) + 4)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
