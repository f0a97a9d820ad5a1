"""Finding the registry's inconsistencies: the portal points them out instead of fixing them."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from .. import transfers
from ..language import translated
from ..extensions import db
from ..models import AnnexListing, Processor, Service, SubProcessor
from .snapshot import RegistrySnapshot, all_processors, registry_on


@dataclass(frozen=True)
class Finding:
    """One inconsistency in a processor's registry, with where it comes from."""

    processor: str
    kind: str
    message: str
    source: str | None = None

    def as_dict(self) -> dict:
        return {"processor": self.processor, "kind": self.kind, "message": self.message, "source": self.source}


def check_all(day: date) -> list[Finding]:
    findings = []
    for processor in all_processors():
        findings.extend(check_processor(processor.slug, day))
    return findings


def check_processor(slug: str, day: date) -> list[Finding]:
    """Every inconsistency of one processor's registry on a day."""
    return check_snapshot(registry_on(slug, day))


def check_snapshot(snapshot: RegistrySnapshot) -> list[Finding]:
    """Every inconsistency of a registry snapshot already loaded."""
    findings = []
    findings += _annex_disagreements(snapshot)
    findings += _location_problems(snapshot)
    findings += _contract_problems(snapshot)
    findings += _listing_gaps(snapshot)
    return findings


def _annex_disagreements(snapshot: RegistrySnapshot) -> list[Finding]:
    """Compare the per-service annex (the engagements) with an annex that lists sub-processors.

    A listing row names a group of sub-processors with the services they serve
    together (Vcare Bijlage B). A pair (service, sub-processor) from the
    engagements must appear in a row naming both; each service in a row must be
    served, per the engagements, by at least one of the row's sub-processors.
    """
    processor = snapshot.processor
    rows = db.session.scalars(select(AnnexListing).where(AnnexListing.processor_id == processor.id)).all()
    if not rows:
        return []
    grouped: dict[tuple[str, int], list[AnnexListing]] = defaultdict(list)
    for row in rows:
        grouped[(row.annex, row.row)].append(row)
    findings = []
    for annex in sorted({row.annex for row in rows}):
        listed_pairs = {(r.service_id, r.sub_processor_id) for r in rows if r.annex == annex}
        listed_sps = {r.sub_processor_id for r in rows if r.annex == annex}
        for entry in snapshot.services:
            for engagement in entry.engagements:
                sp = engagement.sub_processor
                where = _("%(source)s vs %(annex)s", source=engagement.source or _("engagement"), annex=annex)
                if sp.id not in listed_sps:
                    findings.append(Finding(processor.slug, "missing_from_annex",
                        _("%(name)s is named for service '%(service)s' but does not appear in %(annex)s at all "
                          "(no country, EEA or DPA details there).", name=sp.name, service=entry.service.name,
                          annex=annex), where))
                elif (entry.service.id, sp.id) not in listed_pairs:
                    findings.append(Finding(processor.slug, "annex_mismatch",
                        _("%(name)s is named for service '%(service)s', but %(annex)s does not list it for that "
                          "service.", name=sp.name, service=entry.service.name, annex=annex), where))
        served = {(e.service_id, e.sub_processor_id) for e in snapshot.engagements}
        for (row_annex, row_no), members in sorted(grouped.items()):
            if row_annex != annex:
                continue
            sp_ids = {m.sub_processor_id for m in members}
            # session.get() answers from the identity map: the snapshot loaded these already.
            names = ", ".join(sorted({db.session.get(SubProcessor, i).name for i in sp_ids if i}))
            for service in {db.session.get(Service, m.service_id) for m in members if m.service_id}:
                if not any((service.id, sp_id) in served for sp_id in sp_ids):
                    findings.append(Finding(processor.slug, "annex_mismatch",
                        _("%(annex)s row %(row)s lists %(names)s for service '%(service)s', but no engagement for "
                          "that service names any of them.", annex=annex, row=row_no, names=names,
                          service=service.name), annex))
    return findings


def _location_problems(snapshot: RegistrySnapshot) -> list[Finding]:
    findings = []
    seen = set()
    for engagement in snapshot.engagements:
        for sp in [engagement.sub_processor, *engagement.sub_processor.onward]:
            if sp.id in seen:
                continue
            seen.add(sp.id)
            findings += _sub_processor_problems(snapshot.processor, sp, snapshot.day)
    return findings


def _sub_processor_problems(processor: Processor, sp, day: date) -> list[Finding]:
    slug = processor.slug
    findings = []
    if not sp.identified:
        findings.append(Finding(slug, "unnamed", _("'%(name)s' is not identified by name; the controller should know "
                                                   "the identity of every sub-processor (EDPB Opinion 22/2024).",
                                                   name=sp.name), sp.source))
    locations = sp.locations_on(day)
    if not locations:
        findings.append(Finding(slug, "no_location", _("%(name)s: no processing location is stated.", name=sp.name),
                                sp.source))
    for location in locations:
        check = location.basis_check(day)
        if check is not None and not check.valid:
            kind = "invalid_basis" if location.transfer_basis else "no_transfer_basis"
            findings.append(Finding(slug, kind, _("%(name)s processes in %(place)s, outside the EEA: %(problem)s.",
                                                  name=sp.name, place=location.label, problem=check.problem),
                                    location.source))
    computed = sp.outside_eea_on(day)
    if sp.outside_eea_stated is not None and computed is not None and computed != sp.outside_eea_stated:
        message = (_("%(name)s: the annex says data is outside the EEA, but its locations say otherwise.", name=sp.name)
                   if sp.outside_eea_stated else
                   _("%(name)s: the annex says data is not outside the EEA, but its locations say otherwise.",
                     name=sp.name))
        findings.append(Finding(slug, "eea_flag_mismatch", message, sp.source))
    if sp.dpa_in_place is False:
        findings.append(Finding(slug, "no_dpa", _("%(name)s: no sub-processing agreement in place.", name=sp.name),
                                sp.dpa_source))
    return findings


def _contract_problems(snapshot: RegistrySnapshot) -> list[Finding]:
    terms = snapshot.terms
    if terms is None:
        return [Finding(snapshot.processor.slug, "no_terms", _("No contract terms in force on this day."))]
    findings = []
    for code in terms.named_transfer_bases or []:
        former = transfers.invalidated_basis(code)
        if former and not (former["from"] <= snapshot.day <= former["until"]):
            findings.append(Finding(snapshot.processor.slug, "invalid_basis",
                _("The contract (art. %(article)s) names %(basis)s as a transfer basis; %(reason)s. The portal does "
                  "not accept it as a current basis.", article=terms.transfer_article, basis=former["name"],
                  reason=translated(former["reason"])),
                _("art. %(article)s", article=terms.transfer_article)))
    return findings


def _listing_gaps(snapshot: RegistrySnapshot) -> list[Finding]:
    if snapshot.processor.list_publication != "annex" or snapshot.before_listing:
        return []
    return [
        Finding(snapshot.processor.slug, "service_without_subprocessors",
                _("Service '%(service)s' has no sub-processor listed.", service=entry.service.name),
                entry.service.source)
        for entry in snapshot.services if not entry.engagements
    ]
