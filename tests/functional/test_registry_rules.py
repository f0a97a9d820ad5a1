"""Point-in-time registry, the consistency check, and timezone-aware instants."""

import json
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditEntry, Engagement, Location, Processor, Service, SubProcessor
from registry.subprocessors.checks import check_processor
from registry.subprocessors.snapshot import registry_on

DAY = date(2026, 11, 22)


def _vtm():
    return db.session.scalar(select(Processor).filter_by(slug="vtm"))


def _new_sp(processor, key, name, country, basis=None, since=date(2026, 12, 1)):
    sp = SubProcessor(processor_id=processor.id, key=key, name=name)
    db.session.add(sp)
    db.session.flush()
    db.session.add(Location(sub_processor_id=sp.id, country_code=country, transfer_basis=basis, valid_from=since))
    service = db.session.scalar(select(Service).filter_by(processor_id=processor.id))
    db.session.add(
        Engagement(processor_id=processor.id, service_id=service.id, sub_processor_id=sp.id, valid_from=since)
    )
    db.session.commit()
    return sp


def test_an_engagement_shows_from_its_first_day_and_not_after_its_end(app):
    vtm = _vtm()
    _new_sp(vtm, "acme", "Acme Hosting", "NL")
    salesbuildr = db.session.scalar(select(Engagement).join(SubProcessor).where(SubProcessor.key == "salesbuildr"))
    salesbuildr.valid_until = date(2026, 12, 1)
    db.session.commit()

    def keys(day):
        return {e.sub_processor.key for e in registry_on("vtm", day).engagements}

    assert "acme" not in keys(date(2026, 11, 30)) and "salesbuildr" in keys(date(2026, 11, 30))
    assert "acme" in keys(date(2026, 12, 1)) and "salesbuildr" not in keys(date(2026, 12, 1))
    # Nothing is deleted: the old engagement is still there, with its end.
    assert db.session.get(Engagement, salesbuildr.id).valid_until == date(2026, 12, 1)


def test_a_location_change_is_dated_too(app):
    afas = db.session.scalar(
        select(SubProcessor).where(SubProcessor.key == "afas", SubProcessor.processor_id == _vtm().id)
    )
    for loc in afas.locations:
        loc.valid_until = date(2027, 1, 1)
    db.session.add(
        Location(sub_processor_id=afas.id, country_code="US", transfer_basis="scc", valid_from=date(2027, 1, 1))
    )
    db.session.commit()
    assert afas.outside_eea_on(date(2026, 12, 31)) is False
    assert afas.outside_eea_on(date(2027, 1, 1)) is True


def test_eea_flag_is_set_when_any_location_is_outside(app):
    vtm = _vtm()
    sp = _new_sp(vtm, "mixed", "Mixed", "NL", since=date(2026, 1, 1))
    db.session.add(
        Location(sub_processor_id=sp.id, country_code="IN", transfer_basis="scc", valid_from=date(2026, 1, 1))
    )
    db.session.commit()
    assert sp.outside_eea_on(DAY) is True


def _kinds(slug, day=DAY):
    return [(f.kind, str(f.message)) for f in check_processor(slug, day)]


def test_check_finds_the_disagreements_between_vcare_bijlage_a_and_b(app):
    found = _kinds("vcare")
    mismatches = sorted(m for k, m in found if k in ("annex_mismatch", "missing_from_annex"))
    # Per sub-processor (test_consistency_findings has each list): Digital Realty, E-Zorg, Equinix, Medi-Link,
    # Micros, Microsoft, NG-Blu Networks, Quinnect.
    assert len(mismatches) == 8
    assert any("E-Zorg" in m and "does not appear in Bijlage B" in m for m in mismatches)
    assert any(m.startswith("Microsoft:") and "'Operator'" in m for m in mismatches)
    assert any(m.startswith("NG-Blu Networks:") and "Netwerkverbindingen" in m for m in mismatches)
    assert any(m.startswith("Quinnect:") and "Netwerkverbindingen" in m for m in mismatches)


def test_check_notices_a_bijlage_b_row_no_engagement_backs(app):
    engagement = db.session.scalar(
        select(Engagement)
        .join(SubProcessor)
        .join(Service)
        .where(SubProcessor.key == "mediaserve", Service.key == "call-back")
    )
    db.session.delete(engagement)
    db.session.commit()
    assert (
        "annex_mismatch",
        "Mediaserve: Bijlage B names it for 'Call Back (add-on voor de Operator)', which Bijlage A does not.",
    ) in _kinds("vcare")


SCHREMS_II = "Invalidated by the Court of Justice of the EU on 16 July 2020 (C-311/18, Schrems II)"


def test_check_flags_privacy_shield_named_by_ip_voice(app):
    # IP Voice art. 3.3 names the Privacy Shield as the basis for the United States.
    assert (
        "invalid_basis",
        f"The contract (art. 3.1, 3.3) names EU-US Privacy Shield (Decision 2016/1250) as a "
        f"transfer basis; {SCHREMS_II}. The portal does not accept it as a current basis.",
    ) in _kinds("ipvoice")


def test_check_flags_a_location_outside_the_eea_without_basis(app):
    # VTM Bijlage 1 D: N-able, "Datacenters wereldwijd verspreid", no transfer tool named.
    assert (
        "no_transfer_basis",
        "N-able Technologies LTD processes in Worldwide (Datacenters wereldwijd verspreid), "
        "outside the EEA: no transfer basis stated.",
    ) in _kinds("vtm")


def test_check_flags_privacy_shield_used_as_basis_for_a_location(app):
    _new_sp(_vtm(), "usco", "US Co", "US", basis="privacy_shield", since=date(2026, 1, 1))
    assert [(k, m) for k, m in _kinds("vtm") if "US Co" in m] == [
        (
            "invalid_basis",
            "US Co processes in United States, outside the EEA: EU-US Privacy Shield (Decision "
            f"2016/1250) is not a valid basis: {SCHREMS_II}.",
        )
    ]


def test_check_accepts_a_valid_basis(app):
    certified = _new_sp(_vtm(), "usco", "US Co", "US", basis="adequacy", since=date(2026, 1, 1))
    certified.dpf_certified, certified.dpf_checked_on = True, date(2026, 11, 30)
    certified.dpf_source = "Data Privacy Framework List, checked 30 November 2026"
    db.session.commit()
    _new_sp(_vtm(), "inco", "IN Co", "IN", basis="scc", since=date(2026, 1, 1))
    assert not any("US Co" in m or "IN Co" in m for _, m in _kinds("vtm"))


def test_adequacy_for_a_us_location_needs_a_dpf_certification(app):
    # Implementing Decision (EU) 2023/1795 covers only organisations certified under the Data Privacy Framework.
    _new_sp(_vtm(), "usco", "Uncertified Co", "US", basis="adequacy", since=date(2026, 1, 1))
    assert [(k, m) for k, m in _kinds("vtm") if "Uncertified Co" in m] == [
        (
            "invalid_basis",
            "Uncertified Co processes in United States, outside the EEA: Implementing Decision (EU) "
            "2023/1795 (EU-US Data Privacy Framework) covers only organisations certified under the "
            "EU-US Data Privacy Framework, and no certification is recorded for this sub-processor.",
        )
    ]


def test_consent_is_no_transfer_tool(app):
    _new_sp(_vtm(), "inco", "Consent Co", "IN", basis="consent", since=date(2026, 1, 1))
    [message] = [m for _, m in _kinds("vtm") if "Consent Co" in m]
    assert "the controller's consent is not a transfer tool of GDPR chapter V" in message


def test_check_flags_unnamed_sub_processors_and_missing_locations(app):
    found = _kinds("contict")
    assert (
        "unnamed",
        "'Mobiele provider' is not identified by name; the controller should know the identity of "
        "every sub-processor (EDPB Opinion 22/2024).",
    ) in found
    assert ("no_location", "Fortinet: no processing location is stated.") in found


def test_registry_check_command_lists_findings_and_fails(runner, clock):
    result = runner.invoke(args=["registry", "check"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    # One line per finding: processor, kind, message, [source]; the seeds give 29 (BeterDichtbij 4, Contict 11,
    # IP Voice 2, VTM 2, Vcare 10: each is asserted on its own in this file and in test_consistency_findings).
    assert lines[-1] == "29 inconsistencies found on 2026-12-01."
    assert len(lines) == 30
    assert [line.split()[:2] for line in lines if "Privacy Shield" in line] == [["ipvoice", "invalid_basis"]]
    assert [line.split()[:2] for line in lines if "E-Zorg" in line] == [
        ["vcare", "missing_from_annex"],
        ["vcare", "no_location"],
    ]


def test_registry_check_command_json_for_one_processor(runner):
    result = runner.invoke(args=["registry", "check", "--processor", "vtm", "--json"])
    findings = json.loads(result.output)
    assert [(f["processor"], f["kind"]) for f in findings] == [
        ("vtm", "no_transfer_basis"),
        ("vtm", "entity_seat_mismatch"),
    ]


def test_registry_check_command_refuses_a_bad_date_and_unknown_processor(runner):
    bad_day = runner.invoke(args=["registry", "check", "--at", "2026-02-30"])
    assert bad_day.exit_code == 2 and "Error: Invalid value for --at: write the date as YYYY-MM-DD" in bad_day.output
    result = runner.invoke(args=["registry", "check", "--processor", "nope"])
    assert result.exit_code == 1 and "No processor 'nope'" in result.output


def test_instants_are_timezone_aware_utc_after_a_round_trip(app):
    amsterdam = timezone(timedelta(hours=1))
    entry = AuditEntry(
        at=datetime(2026, 3, 29, 2, 30, tzinfo=amsterdam),
        actor_label="t",
        action="x",
        object_type="-",
        summary="s",
        details={},
        prev_hash="0" * 64,
        hash="f" * 64,
    )
    db.session.add(entry)
    db.session.commit()
    entry_id = entry.id
    db.session.expire_all()
    stored = db.session.get(AuditEntry, entry_id).at
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_foreign_keys_are_enforced(app):
    import pytest
    from sqlalchemy.exc import IntegrityError

    db.session.add(Engagement(processor_id=_vtm().id, service_id=999999, sub_processor_id=999999, valid_from=DAY))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_derogation_is_accepted_but_flagged_as_exceptional(app):
    # GDPR art. 49: derogations are for specific situations, not for regular transfers.
    _new_sp(_vtm(), "deco", "Derogation Co", "IN", basis="derogation", since=date(2026, 1, 1))
    [(kind, message)] = [(k, m) for k, m in _kinds("vtm") if "Derogation Co" in m]
    assert kind == "exceptional_basis" and "for specific situations only, not for regular transfers" in message
