"""Loading seed/*.yaml into the registry: what is missing is created, what an editor changed is left alone."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select

from registry.audit import trail
from registry.exceptions import DomainError
from registry.extensions import db
from registry.models import (
    AnnexListing,
    ContractTerms,
    Engagement,
    Location,
    OnwardEngagement,
    Processor,
    Service,
    SubProcessor,
)
from registry.subprocessors import seed_marks, seed_renames
from registry.subprocessors.seed_fields import (
    PROCESSOR_FIELDS,
    SERVICE_FIELDS,
    TERMS_DEFAULTS,
    TERMS_FIELDS,
    TEXT_TERMS,
)
from registry.subprocessors.seed_marks import LeftAlone, SeedReport
from registry.subprocessors.versions import ensure_initial_version
from registry.text import ngettext


class _Loader:
    """Creates what is missing of one processor's seed file; updates only rows nobody changed since seeding."""

    def __init__(self, data: dict, filename: str):
        self.data = data
        self.filename = filename
        self.slug = data["processor"]["slug"]
        self.changed = 0
        self.left_alone: list[LeftAlone] = []

    def upsert(self, model, lookup: dict, values: dict, what: str, name: str):
        """The row the seed file describes: created when missing, else as it is (returns None if removed)."""
        kind = model.__tablename__
        seeded = seed_marks.plain({**lookup, **values})
        mark = seed_marks.find(kind, lookup)
        obj = db.session.get(model, mark.row_id) if mark else db.session.scalar(select(model).filter_by(**lookup))
        if obj is None and mark is not None:
            self.left_alone.append(LeftAlone(self.slug, what, name, "removed"))
            return None
        if obj is None:
            obj = model(**lookup, **values)
            db.session.add(obj)
            db.session.flush()
            seed_marks.record(kind, lookup, obj, seeded)
            self.changed += 1
            return obj
        edited = seed_marks.differing(obj, mark.seeded if mark else seeded)
        if edited:
            self.left_alone.append(LeftAlone(self.slug, what, name, "changed" if mark else "unmarked", tuple(edited)))
        elif mark is None or mark.seeded != seeded:
            # Untouched since seeding (or seeded before marks, with the seed's values): a corrected seed lands.
            if trail.changes(obj, values):
                self.changed += 1
            seed_marks.record(kind, lookup, obj, seeded, mark)
        return obj

    def load(self) -> Processor | None:
        spec = self.data["processor"]
        processor = self.upsert(
            Processor, {"slug": spec["slug"]}, {k: spec.get(k) for k in PROCESSOR_FIELDS}, "processor", spec["name"]
        )
        if processor is None:
            return None
        # The seed file's own values, not the row's: an editor's change to the processor moves nothing else.
        self.listed_since = spec["listed_since"]
        for terms in self.data.get("contract_terms", []):
            values = {k: terms.get(k, TERMS_DEFAULTS.get(k)) for k in TERMS_FIELDS}
            values["texts_en"] = {t: terms[f"{t}_text_en"] for t in TEXT_TERMS if terms.get(f"{t}_text_en")}
            values["source_document"] = spec.get("source_document")
            if seed_renames.rename_terms(processor, str(terms["version"]), terms.get("formerly", [])):
                self.changed += 1
            self.upsert(
                ContractTerms,
                {"processor_id": processor.id, "version": str(terms["version"])},
                values,
                "contract terms",
                str(terms["version"]),
            )
        annex_facts = self._annex_facts()
        sub_processors = {}
        for sp_spec in self.data.get("sub_processors", []):
            facts = annex_facts.get(sp_spec["key"], {})
            sub_processors[sp_spec["key"]] = self._sub_processor(processor, {**sp_spec, **facts}, parent=None)
        for position, service_spec in enumerate(self.data.get("services", [])):
            self._service(processor, service_spec, position, sub_processors)
        for annex in self.data.get("annex_listings", []):
            self._annex(processor, annex, sub_processors)
        return processor

    def _sub_processor(self, processor: Processor, spec: dict, parent: SubProcessor | None) -> SubProcessor | None:
        established = spec.get("established_in") or spec.get("country")
        sp = self.upsert(
            SubProcessor,
            {"processor_id": processor.id, "key": spec["key"]},
            {
                "name": spec["name"],
                "legal_name": spec.get("legal_name"),
                "established_in": established,
                "identified": spec.get("identified", True),
                "description": spec.get("description"),
                "note": spec.get("note"),
                "note_nl": spec.get("note_nl"),
                "source": spec.get("source"),
                "parent_id": parent.id if parent else None,
                "outside_eea_stated": spec.get("outside_eea_stated"),
                "dpa_in_place": spec.get("dpa_in_place"),
                "dpa_source": spec.get("dpa_source"),
                "dpf_certified": spec.get("dpf_certified"),
                "dpf_checked_on": spec.get("dpf_checked_on"),
                "dpf_source": spec.get("dpf_source"),
            },
            "sub-processor",
            spec["name"],
        )
        if sp is None:
            return None
        locations = list(spec.get("locations", []))
        if spec.get("country"):
            locations.append({"country": spec["country"], "source": spec.get("source")})
        for loc in locations:
            country = None if loc.get("worldwide") else loc["country"]
            self.upsert(
                Location,
                {
                    "sub_processor_id": sp.id,
                    "country_code": country,
                    "place": loc.get("place"),
                    "role": loc.get("role", "processing"),
                    "valid_from": self.listed_since,
                },
                {
                    "transfer_basis": loc.get("transfer_basis"),
                    "transfer_note": loc.get("transfer_note"),
                    "source": loc.get("source"),
                    "valid_until": None,
                },
                "location",
                f"{country or 'worldwide'}{', ' + loc['place'] if loc.get('place') else ''} of {sp.name}",
            )
        for child_spec in spec.get("onward", []):
            child = self._sub_processor(processor, child_spec, parent=sp)
            if child is None:
                continue
            self.upsert(
                OnwardEngagement,
                {
                    "processor_id": processor.id,
                    "parent_id": sp.id,
                    "sub_processor_id": child.id,
                    "valid_from": self.listed_since,
                },
                {"purpose": child_spec.get("purpose"), "source": child_spec.get("source"), "valid_until": None},
                "onward engagement",
                f"{child.name} by {sp.name}",
            )
        return sp

    def _service(self, processor: Processor, spec: dict, position: int, sub_processors: dict) -> None:
        values = {k: spec.get(k) for k in SERVICE_FIELDS}
        for listed in ("data_categories", "data_subjects", "purposes"):
            values[listed] = values[listed] or []
        values["position"] = position
        service = self.upsert(
            Service, {"processor_id": processor.id, "key": spec["key"]}, values, "service", spec["name"]
        )
        if service is None:
            return
        engagements = [{"sub_processor": key} for key in spec.get("sub_processors", [])]
        engagements += spec.get("engagements", [])
        for item in engagements:
            sp = self._known(sub_processors, item["sub_processor"])
            if sp is None:
                continue
            self.upsert(
                Engagement,
                {
                    "processor_id": processor.id,
                    "service_id": service.id,
                    "sub_processor_id": sp.id,
                    "valid_from": self.listed_since,
                },
                {"purpose": item.get("purpose"), "source": item.get("source", spec.get("source")), "valid_until": None},
                "engagement",
                f"{sp.name} for {spec['name']}",
            )

    def _annex_facts(self) -> dict[str, dict]:
        """What a listing annex (Vcare Bijlage B) says of each sub-processor: description, EEA, DPA."""
        facts: dict[str, dict] = {}
        for annex in self.data.get("annex_listings", []):
            for row in annex["rows"]:
                for key in row["sub_processors"]:
                    entry = facts.setdefault(key, {"texts": []})
                    entry["texts"].append(row.get("text") or "")
                    entry.update(
                        outside_eea_stated=row.get("outside_eea"),
                        dpa_in_place=row.get("dpa"),
                        dpa_source=annex["annex"],
                        annex=annex["annex"],
                    )
        for entry in facts.values():
            texts = "; ".join(filter(None, entry.pop("texts")))
            entry["description"] = f"{texts} ({entry.pop('annex')})" if texts else None
        return facts

    def _annex(self, processor: Processor, annex: dict, sub_processors: dict) -> None:
        services = {s.key: s for s in db.session.scalars(select(Service).filter_by(processor_id=processor.id))}
        for row_no, row in enumerate(annex["rows"], start=1):
            for key in row["sub_processors"]:
                sp = self._known(sub_processors, key)
                for service_key in row["services"]:
                    if service_key not in services:
                        raise DomainError(
                            f"{self.filename}: {annex['annex']} row {row_no} names unknown service '{service_key}'"
                        )
                    if sp is None:
                        continue
                    self.upsert(
                        AnnexListing,
                        {
                            "processor_id": processor.id,
                            "annex": annex["annex"],
                            "row": row_no,
                            "sub_processor_id": sp.id,
                            "service_id": services[service_key].id,
                        },
                        {"text": row.get("text")},
                        "annex listing",
                        f"{annex['annex']} row {row_no}: {sp.name}",
                    )

    def _known(self, sub_processors: dict, key: str) -> SubProcessor | None:
        """The sub-processor the file names by `key` (None where it was removed since seeding)."""
        if key not in sub_processors:
            raise DomainError(f"{self.filename}: unknown sub-processor '{key}'")
        return sub_processors[key]


def processor_files(seed_dir: Path) -> list[Path]:
    """The seed files that describe a processor (demo.yaml is loaded separately)."""
    return sorted(p for p in seed_dir.glob("*.yaml") if p.name != "demo.yaml")


def load_seed(seed_dir: Path) -> SeedReport:
    """Load every processor's seed file in one transaction."""
    report = SeedReport()
    try:
        for path in processor_files(seed_dir):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            loader = _Loader(data, path.name)
            processor = loader.load()
            report.left_alone += loader.left_alone
            if processor is None:
                report.changes[loader.slug] = 0
                continue
            if ensure_initial_version(processor):
                loader.changed += 1
            report.changes[processor.slug] = loader.changed
            if loader.changed:
                trail.record(
                    "seed",
                    "seed.load",
                    processor,
                    ngettext(
                        "Loaded %(file)s: %(num)s row created or changed",
                        "Loaded %(file)s: %(num)s rows created or changed",
                        loader.changed,
                        file=path.name,
                    ),
                    processor_id=processor.id,
                )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report
