"""Finding the registry's inconsistencies: the portal points them out instead of fixing them."""

from __future__ import annotations

from datetime import date

from registry.law import transfers
from registry.models import Processor, SubProcessor
from registry.subprocessors import annex_checks, identity
from registry.subprocessors.finding import Finding
from registry.subprocessors.snapshot import RegistrySnapshot, all_processors, registry_on
from registry.text import Text, _


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
    findings += annex_checks.annex_disagreements(snapshot)
    findings += annex_checks.announcement_mismatches(snapshot)
    findings += _location_problems(snapshot)
    findings += _contract_problems(snapshot)
    findings += _listing_gaps(snapshot)
    findings += _identity_problems(snapshot)
    return findings


def _location_problems(snapshot: RegistrySnapshot) -> list[Finding]:
    """Every sub-processor down the chain, at any depth, once."""
    findings = []
    seen = set()
    for sp, _parent in snapshot.chain():
        if sp.id in seen:
            continue
        seen.add(sp.id)
        findings += _sub_processor_problems(snapshot.processor, sp, snapshot.day)
    return findings


def _sub_processor_problems(processor: Processor, sp, day: date) -> list[Finding]:
    slug = processor.slug
    findings = []
    if not sp.identified:
        findings.append(
            Finding(
                slug,
                "unnamed",
                _(
                    "'%(name)s' is not identified by name; the controller should know "
                    "the identity of every sub-processor (EDPB Opinion 22/2024).",
                    name=sp.name,
                ),
                sp.source,
            )
        )
    locations = sp.locations_on(day)
    if not locations:
        findings.append(
            Finding(slug, "no_location", _("%(name)s: no processing location is stated.", name=sp.name), sp.source)
        )
    for location in locations:
        check = location.basis_check(day)
        if check is not None and check.valid and check.problem:
            findings.append(
                Finding(
                    slug,
                    "exceptional_basis",
                    _(
                        "%(name)s processes in %(place)s, outside the EEA: %(problem)s.",
                        name=sp.name,
                        place=location.label,
                        problem=check.problem,
                    ),
                    location.source,
                )
            )
        if check is not None and not check.valid:
            kind = "invalid_basis" if location.transfer_basis else "no_transfer_basis"
            findings.append(
                Finding(
                    slug,
                    kind,
                    _(
                        "%(name)s processes in %(place)s, outside the EEA: %(problem)s.",
                        name=sp.name,
                        place=location.label,
                        problem=check.problem,
                    ),
                    location.source,
                )
            )
    computed = sp.outside_eea_on(day)
    if sp.outside_eea_stated is not None and computed is not None and computed != sp.outside_eea_stated:
        message = (
            _("%(name)s: the annex says data is outside the EEA, but its locations say otherwise.", name=sp.name)
            if sp.outside_eea_stated
            else _(
                "%(name)s: the annex says data is not outside the EEA, but its locations say otherwise.", name=sp.name
            )
        )
        findings.append(Finding(slug, "eea_flag_mismatch", message, sp.source))
    if sp.dpa_in_place is False:
        findings.append(
            Finding(slug, "no_dpa", _("%(name)s: no sub-processing agreement in place.", name=sp.name), sp.dpa_source)
        )
    return findings


def _contract_problems(snapshot: RegistrySnapshot) -> list[Finding]:
    terms = snapshot.terms
    if terms is None:
        return [Finding(snapshot.processor.slug, "no_terms", _("No contract terms in force on this day."))]
    findings = []
    if terms.authorisation == "general" and not terms.notice_article:
        findings.append(
            Finding(
                snapshot.processor.slug,
                "no_change_notice_duty",
                _(
                    "The contract gives general authorisation (art. %(article)s) but no duty to inform the controller "
                    "of intended additions or replacements of sub-processors, which GDPR art. 28(2) requires; the "
                    "portal applies the processor's own notice period instead.",
                    article=terms.authorisation_article,
                ),
                _("GDPR art. 28(2); art. %(article)s", article=terms.authorisation_article),
            )
        )
    for code in terms.named_transfer_bases or []:
        former = transfers.invalidated_basis(code)
        if former and not (former["from"] <= snapshot.day <= former["until"]):
            findings.append(
                Finding(
                    snapshot.processor.slug,
                    "invalid_basis",
                    _(
                        "The contract (art. %(article)s) names %(basis)s as a transfer basis; %(reason)s. The portal "
                        "does not accept it as a current basis.",
                        article=terms.transfer_article,
                        basis=Text(former["name"]),
                        reason=Text(former["reason"]),
                    ),
                    _("art. %(article)s", article=terms.transfer_article),
                )
            )
    return findings


def _listing_gaps(snapshot: RegistrySnapshot) -> list[Finding]:
    if snapshot.processor.list_publication != "annex" or snapshot.before_listing:
        return []
    return [
        Finding(
            snapshot.processor.slug,
            "service_without_subprocessors",
            _("Service '%(service)s' has no sub-processor listed.", service=entry.service.name),
            entry.service.source,
        )
        for entry in snapshot.services
        if not entry.engagements
    ]


def _identity_problems(snapshot: RegistrySnapshot) -> list[Finding]:
    """The registry's own words about who a sub-processor is, checked against its recorded seat and chain."""
    findings = []
    seen = set()
    for sp, _parent in snapshot.chain():
        if sp.id not in seen:
            seen.add(sp.id)
            findings += _seat_mismatches(snapshot.processor.slug, sp, snapshot.day)
            findings += _intermediaries_not_in_chain(snapshot, sp)
    return findings


def _seat_mismatches(slug: str, sp: SubProcessor, day: date) -> list[Finding]:
    findings = []
    seat = sp.established_in
    legal_name = sp.legal_name or sp.name
    form = identity.us_corporate_form(legal_name)
    if form and seat and transfers.in_eea(seat, day):
        findings.append(
            Finding(
                slug,
                "entity_seat_mismatch",
                _(
                    "%(name)s is named with a corporate form of United States law (%(form)s), but its seat is given as "
                    "%(seat)s, in the EEA: the contract names the US entity and the seat of another (an "
                    "interpretation); which legal entity processes the data, and from where, is not clear.",
                    name=legal_name,
                    form=form,
                    seat=transfers.named_country(seat),
                ),
                sp.source,
            )
        )
    for place, code in identity.seats_named(" ".join(filter(None, [sp.note, sp.description]))):
        if seat and code != seat:
            findings.append(
                Finding(
                    slug,
                    "entity_seat_mismatch",
                    _(
                        "%(name)s: the annex says it is established in %(place)s (%(country)s), but the registry "
                        "records its seat as %(seat)s.",
                        name=sp.name,
                        place=place,
                        country=transfers.named_country(code),
                        seat=transfers.named_country(seat),
                    ),
                    sp.source,
                )
            )
    return findings


def _intermediaries_not_in_chain(snapshot: RegistrySnapshot, sp: SubProcessor) -> list[Finding]:
    """A sub-processor engaged "via X" has X in its chain; the registry should show X (EDPB Opinion 22/2024)."""
    chain = {snapshot.processor.name.lower(), (snapshot.processor.legal_name or "").lower()}
    for member, parent in snapshot.chain():
        if member.id == sp.id and parent is not None:
            chain |= {parent.name.lower(), (parent.legal_name or "").lower()}
    for link in snapshot.chain_below(sp):
        chain |= {link.sub_processor.name.lower(), (link.sub_processor.legal_name or "").lower()}
    return [
        Finding(
            snapshot.processor.slug,
            "intermediary_not_in_chain",
            _(
                "%(name)s is engaged via %(via)s, which the registry does not show in its chain of sub-processors; the "
                "controller should know every processor down the chain (GDPR art. 28(4), EDPB Opinion 22/2024).",
                name=sp.name,
                via=via,
            ),
            sp.source,
        )
        for via in identity.intermediaries_named(sp.name, sp.legal_name, sp.note, sp.description)
        if not any(via.lower() == known or via.lower() in known.split() for known in chain if known)
    ]
