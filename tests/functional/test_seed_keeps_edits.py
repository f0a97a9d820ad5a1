"""`flask seed` creates what is missing and leaves alone what an editor changed since it was seeded."""

import shutil
from datetime import date

import pytest
from sqlalchemy import delete, func, select

from registry.extensions import db
from registry.models import ContractTerms, Engagement, Location, Processor, SeedMark, Service, SubProcessor

from ..clock import on
from .announce import draft, publish, sp_id

DAY = date(2026, 11, 22)
TERMS_VERSION = "Verwerkersovereenkomst Vcareconnect B.V."


def _vcare():
    return db.session.scalar(select(Processor).filter_by(slug="vcare"))


def _service(key):
    return db.session.scalar(select(Service).filter_by(processor_id=_vcare().id, key=key))


def _terms():
    return db.session.scalar(select(ContractTerms).filter_by(processor_id=_vcare().id, version=TERMS_VERSION))


def _terms_form_data(terms, **change):
    """What the browser posts for the terms form as it comes up filled in, with `change` typed over it."""
    data = {}
    for name in (
        "version",
        "effective_from",
        "authorisation",
        "authorisation_article",
        "authorisation_text",
        "notice_days",
        "notice_source",
        "notice_article",
        "notice_text",
        "objection_route",
        "objection_article",
        "objection_text",
        "objection_days",
        "objection_period_article",
        "consent_reasonable_article",
        "termination_months",
        "termination_article",
        "termination_text",
        "transfer_rule",
        "transfer_article",
        "transfer_text",
        "list_article",
        "list_text",
    ):
        value = getattr(terms, name)
        data[name] = "" if value is None else str(value)
    for flag in ("consent_reasonable", "termination_allowed"):
        if getattr(terms, flag):
            data[flag] = "y"
    data["named_transfer_bases"] = list(terms.named_transfer_bases or [])
    data.update(change)
    return data


def _seed(runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output.splitlines()


def _left_alone(lines):
    return sorted(line for line in lines if line.startswith("left alone: "))


def _edit_as_vcare_editor(client, users, login):
    """A service, the contract terms and a sub-processor's engagement, each changed in /admin on DAY."""
    with on(DAY):
        return _edit(client, users, login)


def _edit(client, users, login):
    login(users.vcare_editor)
    telefonie = _service("telefonie")
    response = client.post(
        f"/admin/processors/vcare/services/{telefonie.id}/edit",
        data={
            "name": "Telefonie diensten",
            "key": "telefonie",
            "description": "Softphone en Web Call (per 2027)",
            "data_categories": "\n".join(telefonie.data_categories),
            "data_subjects": "\n".join(telefonie.data_subjects),
            "purposes": "\n".join(telefonie.purposes),
            "retention": telefonie.retention or "",
            "source": telefonie.source or "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    response = client.post(
        f"/admin/processors/vcare/terms/{_terms().id}/edit", data=_terms_form_data(_terms(), notice_days="45")
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    # Micros stops serving Sendi: a published announcement ends the seeded engagement.
    removal = draft(client, kind="remove", services=("sendi",), target_id=str(sp_id("vcare", "micros")), locations=())
    return publish(client, removal)


EDITED = [
    "left alone: contract terms 'Verwerkersovereenkomst Vcareconnect B.V.' of vcare "
    "(changed by an editor or by hand since seeding: notice_days)",
    "left alone: engagement 'Micros for Sendi' of vcare (changed by an editor or by hand since seeding: valid_until)",
    "left alone: service 'Telefonie diensten' of vcare (changed by an editor or by hand since seeding: description)",
]


def test_seeding_again_keeps_what_editors_changed_in_admin_and_says_so(client, runner, users, login):
    removal = _edit_as_vcare_editor(client, users, login)
    lines = _seed(runner)
    assert _left_alone(lines) == EDITED
    assert "vcare: 0 rows created or changed" in lines and "Seed loaded: 0 changes." in lines
    assert _service("telefonie").description == "Softphone en Web Call (per 2027)"
    assert _terms().notice_days == 45
    micros = db.session.get(SubProcessor, sp_id("vcare", "micros"))
    ended = db.session.scalar(select(Engagement).filter_by(sub_processor_id=micros.id, service_id=_service("sendi").id))
    # 60 days after 22 November 2026 (the helper's default effective date).
    assert removal.effective_date == date(2027, 1, 21) and ended.valid_until == date(2027, 1, 21)
    # And a second run changes nothing and says the same.
    again = _seed(runner)
    assert _left_alone(again) == EDITED and "Seed loaded: 0 changes." in again


def test_a_change_of_locations_is_kept_too(client, runner, users, login):
    services = (
        "systeem-logging",
        "support-tickets",
        "medialogging",
        "operator",
        "number-entry",
        "integrator",
        "call-back",
        "reporter",
        "scheduler",
        "video-connect",
        "photo-link",
        "back-up",
    )
    with on(DAY):
        login(users.vcare_editor)
        publish(
            client,
            draft(
                client,
                kind="change_locations",
                services=services,
                target_id=str(sp_id("vcare", "equinix")),
                locations=(("DE", "Frankfurt", ""),),
            ),
        )
    lines = _seed(runner)
    assert _left_alone(lines) == [
        "left alone: location 'NL of Equinix' of vcare (changed by an editor or by hand since seeding: valid_until)"
    ]
    equinix = db.session.get(SubProcessor, sp_id("vcare", "equinix"))
    nl = db.session.scalar(select(Location).filter_by(sub_processor_id=equinix.id, country_code="NL"))
    assert nl.valid_until == date(2027, 1, 21)


def test_seeding_twice_with_no_edits_changes_nothing(app, runner):
    marks = {m.key_hash: (m.row_id, m.seeded) for m in db.session.scalars(select(SeedMark))}
    lines = _seed(runner)
    assert _left_alone(lines) == []
    assert "Seed loaded: 0 changes." in lines
    assert {m.key_hash: (m.row_id, m.seeded) for m in db.session.scalars(select(SeedMark))} == marks


def test_a_fact_changed_by_hand_is_left_alone_and_named(app, runner):
    sp = db.session.scalar(select(SubProcessor).filter_by(key="talksome"))
    sp.name = "Talksome B.V."
    db.session.commit()
    lines = _seed(runner)
    assert _left_alone(lines) == [
        "left alone: sub-processor 'Talksome' of vcare (changed by an editor or by hand since seeding: name)"
    ]
    assert db.session.scalar(select(SubProcessor).filter_by(key="talksome")).name == "Talksome B.V."


@pytest.fixture
def corrected_seed(app, tmp_path):
    """A copy of seed/ in which vcare.yaml corrects Sendi's source and Telefonie's description."""
    seed_dir = tmp_path / "seed"
    shutil.copytree(app.config["SEED_DIR"], seed_dir)
    vcare = seed_dir / "vcare.yaml"
    text = vcare.read_text(encoding="utf-8")
    sendi = "    retention: Door de klant te bepalen\n    source: Bijlage A\n    sub_processors: [micros, medi-link]\n"
    assert text.count(sendi) == 1
    text = text.replace(sendi, sendi.replace("Bijlage A", "Bijlage A, rij Sendi"))
    text = text.replace(
        "description: Softphone, Mobile Connect, Web Call, Fax Service",
        "description: Softphone, Mobile Connect, Web Call, Fax Service, Voicemail",
    )
    vcare.write_text(text, encoding="utf-8")
    original = app.config["SEED_DIR"]
    app.config["SEED_DIR"] = seed_dir
    yield seed_dir
    app.config["SEED_DIR"] = original


def test_a_corrected_seed_file_lands_where_nobody_changed_the_row(client, runner, users, login, corrected_seed):
    assert _service("sendi").source == "Bijlage A"
    _edit_as_vcare_editor(client, users, login)
    lines = _seed(runner)
    # Sendi and its engagement of Medi-Link (whose source is the service's) take the correction; the engagement
    # of Micros, ended by the editor's announcement, does not.
    assert "vcare: 2 rows created or changed" in lines
    medi_link = db.session.scalar(
        select(Engagement).filter_by(service_id=_service("sendi").id, sub_processor_id=sp_id("vcare", "medi-link"))
    )
    assert medi_link.source == "Bijlage A, rij Sendi"
    assert _service("sendi").source == "Bijlage A, rij Sendi"  # nobody had changed Sendi: the correction lands
    assert _service("telefonie").description == "Softphone en Web Call (per 2027)"  # the editor's text stays
    assert _left_alone(lines) == EDITED
    assert "Seed loaded: 0 changes." in _seed(runner)


def test_rows_seeded_before_marks_are_marked_if_untouched_and_left_alone_if_not(app, runner):
    marked = db.session.scalar(select(func.count()).select_from(SeedMark))
    db.session.execute(delete(SeedMark))
    sp = db.session.scalar(select(SubProcessor).filter_by(key="talksome"))
    sp.name = "Talksome B.V."
    db.session.commit()
    lines = _seed(runner)
    assert _left_alone(lines) == [
        "left alone: sub-processor 'Talksome' of vcare "
        "(differs from the seed file and was seeded before seeding kept track: name)"
    ]
    assert "Seed loaded: 0 changes." in lines
    assert db.session.scalar(select(func.count()).select_from(SeedMark)) == marked - 1
    assert db.session.scalar(select(SubProcessor).filter_by(key="talksome")).name == "Talksome B.V."


def test_a_row_removed_since_seeding_is_not_made_again(app, runner):
    talksome = db.session.scalar(select(SubProcessor).filter_by(key="talksome"))
    db.session.execute(delete(Location).where(Location.sub_processor_id == talksome.id))
    db.session.commit()
    lines = _seed(runner)
    assert _left_alone(lines) == ["left alone: location 'NL of Talksome' of vcare (removed since seeding)"]
    assert "Seed loaded: 0 changes." in lines
    assert db.session.scalar(select(func.count()).select_from(Location).filter_by(sub_processor_id=talksome.id)) == 0
