"""The registry as JSON-ready dicts and as CSV rows (pure builders, no queries of their own)."""

from __future__ import annotations

import csv
import io

from flask import url_for

from registry.law import transfers
from registry.models import ContractTerms, Processor, SubProcessor
from registry.subprocessors.snapshot import RegistrySnapshot
from registry.text.csv import csv_safe

CSV_COLUMNS = [
    "processor",
    "service_key",
    "service",
    "sub_processor",
    "parent_sub_processor",
    "purpose",
    "locations",
    "outside_eea",
    "transfer_bases",
    "dpa_in_place",
    "source",
    "engaged_from",
    "engaged_until",
    "registry_date",
]


def terms_as_dict(terms: ContractTerms | None) -> dict | None:
    if terms is None:
        return None

    def term(value, article, text):
        return {"value": value, "article": article, "text": text}

    return {
        "version": terms.version,
        "effective_from": terms.effective_from.isoformat(),
        "source_document": terms.source_document,
        "authorisation": term(terms.authorisation, terms.authorisation_article, terms.authorisation_text),
        "notice_period_days": {
            **term(terms.notice_days, terms.notice_article, terms.notice_text),
            "source": terms.notice_source,
        },
        "objection_route": term(terms.objection_route, terms.objection_article, terms.objection_text),
        "objection_period_days": term(terms.objection_days, terms.objection_period_article, None),
        "consent_not_unreasonably_withheld": term(terms.consent_reasonable, terms.consent_reasonable_article, None),
        "termination": {
            "allowed": terms.termination_allowed,
            "period_months": terms.termination_months,
            "article": terms.termination_article,
            "text": terms.termination_text,
        },
        "transfer_rule": term(terms.transfer_rule, terms.transfer_article, terms.transfer_text),
        "named_transfer_bases": terms.named_transfer_bases or [],
        "sub_processor_list": term(terms.list_article and "listed", terms.list_article, terms.list_text),
    }


def sub_processor_as_dict(
    sp: SubProcessor, snapshot: RegistrySnapshot, parent: SubProcessor | None = None, path: frozenset = frozenset()
) -> dict:
    """A sub-processor with its own sub-processors nested, at any depth (a cycle in the data is cut)."""
    day = snapshot.day
    path = path | {sp.id}
    locations = []
    for loc in sp.locations_on(day):
        check = loc.basis_check(day)
        locations.append(
            {
                "country": loc.country_code,
                "country_name": transfers.country_name(loc.country_code, "en"),
                "worldwide": loc.worldwide,
                "place": loc.place,
                "role": loc.role,
                "outside_eea": loc.outside_eea_on(day),
                "transfer_basis": loc.transfer_basis,
                "transfer_basis_valid": None if check is None else check.valid,
                "transfer_basis_problem": None if check is None else check.problem,
                "source": loc.source,
            }
        )
    return {
        "key": sp.key,
        "name": sp.name,
        "legal_name": sp.legal_name,
        "identified": sp.identified,
        "established_in": sp.established_in,
        "description": sp.description,
        "outside_eea": sp.outside_eea_on(day),
        "outside_eea_stated_in_annex": sp.outside_eea_stated,
        "dpa_in_place": sp.dpa_in_place,
        "dpa_source": sp.dpa_source,
        "note": sp.note,
        "source": sp.source,
        "locations": locations,
        "parent": None if parent is None else {"key": parent.key, "name": parent.name},
        "sub_processors": [
            {
                **sub_processor_as_dict(link.sub_processor, snapshot, sp, path),
                "engaged_from": link.valid_from.isoformat(),
                "engaged_until": link.valid_until.isoformat() if link.valid_until else None,
                "engagement_source": link.source,
            }
            for link in snapshot.onward_links.get(sp.id, [])
            if link.sub_processor_id not in path
        ],
    }


def processor_summary(processor: Processor) -> dict:
    return {
        "slug": processor.slug,
        "name": processor.name,
        "legal_name": processor.legal_name,
        "url": url_for("public.processor", slug=processor.slug, _external=True),
        "api_url": url_for("api.processor", slug=processor.slug, _external=True),
    }


def snapshot_as_dict(snapshot: RegistrySnapshot) -> dict:
    processor = snapshot.processor
    data = processor_summary(processor)
    data.update(
        {
            "registry_date": snapshot.day.isoformat(),
            "listed_since": processor.listed_since.isoformat(),
            "sub_processor_list": {"publication": processor.list_publication, "note": processor.list_note},
            "address": processor.address,
            "kvk_number": processor.kvk_number,
            "source_document": processor.source_document,
            "contract_terms": terms_as_dict(snapshot.terms),
            "services": [],
        }
    )
    for entry in snapshot.services:
        service = entry.service
        data["services"].append(
            {
                "key": service.key,
                "name": service.name,
                "description": service.description,
                "data_categories": service.data_categories,
                "data_subjects": service.data_subjects,
                "purposes": service.purposes,
                "retention": service.retention,
                "source": service.source,
                "engagements": [
                    {
                        "purpose": e.purpose,
                        "source": e.source,
                        "engaged_from": e.valid_from.isoformat(),
                        "engaged_until": e.valid_until.isoformat() if e.valid_until else None,
                        "sub_processor": sub_processor_as_dict(e.sub_processor, snapshot),
                    }
                    for e in entry.engagements
                ],
            }
        )
    return data


def _yes_no(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def _csv_row(snapshot, service, engagement, sp: SubProcessor, parent: SubProcessor | None) -> list:
    """One row; `engagement` is the service's engagement, or for a sub-processor down the chain its own link."""
    day = snapshot.day
    locations = sp.locations_on(day)
    return [
        snapshot.processor.slug,
        service.key,
        service.name,
        sp.name,
        parent.name if parent else "",
        engagement.purpose or sp.description or "",
        "; ".join(str(loc.label) for loc in locations) or "not stated",
        _yes_no(sp.outside_eea_on(day)),
        "; ".join(str(transfers.basis_label(loc.transfer_basis)) for loc in locations if loc.outside_eea_on(day)),
        _yes_no(sp.dpa_in_place),
        engagement.source or "",
        engagement.valid_from.isoformat(),
        engagement.valid_until.isoformat() if engagement.valid_until else "",
        day.isoformat(),
    ]


def snapshot_rows(snapshot: RegistrySnapshot) -> list[list]:
    """The rows of the CSV and the XLSX (without the header): one per service and sub-processor, down the chain."""
    rows = []
    for entry in snapshot.services:
        for engagement in entry.engagements:
            sp = engagement.sub_processor
            rows.append(_csv_row(snapshot, entry.service, engagement, sp, None))
            rows += [
                _csv_row(snapshot, entry.service, link, link.sub_processor, link.parent)
                for link in snapshot.chain_below(sp)
            ]
    return rows


def snapshot_as_csv(snapshot: RegistrySnapshot, delimiter: str = ",") -> str:
    """UTF-8 text that starts with the BOM, so that Excel reads it as UTF-8; ';' for Excel in Dutch."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in snapshot_rows(snapshot):
        writer.writerow([csv_safe(cell) for cell in row])
    return "\ufeff" + out.getvalue()


def snapshot_as_xlsx(snapshot: RegistrySnapshot) -> bytes:
    """The CSV's columns and rows as a workbook; every cell is text, so none runs as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{snapshot.processor.slug[:20]} {snapshot.day.isoformat()}"
    sheet.append(CSV_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in snapshot_rows(snapshot):
        sheet.append(["" if value is None else str(value) for value in values])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.data_type = "s"  # text, even where it starts with "=": openpyxl would write that as a formula
    for index, name in enumerate(CSV_COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(12, len(name) + 2)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
