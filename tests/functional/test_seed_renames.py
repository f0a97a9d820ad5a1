"""A seed file that renames a terms version ("Verwerkersovereenkomst (seed 000)" became "Verwerkersovereenkomst
Vcareconnect B.V.") renames the row a database seeded with the old name holds, instead of adding a second version.

The database seeded with the old names is a copy of Vcare's seed file as it was, under another slug
("vcare-oud"), loaded into the test's database; then the renamed file, under the same slug, is loaded over it.
"""

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import ContractTerms, Processor, SubProcessor
from registry.subprocessors.seeding import load_seed

OLD = "Verwerkersovereenkomst (seed 000)"
NEW = "Verwerkersovereenkomst Vcareconnect B.V."


def _as_it_was(text: str) -> str:
    """vcare.yaml before the renaming: the internal label in the names, no Dutch notes."""
    text = text.replace(f'  - version: "{NEW}"\n    formerly: ["{OLD}"]\n', f'  - version: "{OLD}"\n')
    text = text.replace(f"  source_document: {NEW}\n", f"  source_document: {NEW} (seed 000)\n")
    lines = text.splitlines(keepends=True)
    kept, skipping = [], False
    for line in lines:
        if line.startswith(("  list_note_nl:", "  listed_since_note_nl:", "    note_nl:")):
            skipping = line.rstrip().endswith(">-")
            continue
        if skipping and line.startswith("      "):
            continue
        skipping = False
        kept.append(line)
    return "".join(kept)


@pytest.fixture
def seed_files(app, tmp_path):
    text = (
        (app.config["SEED_DIR"] / "vcare.yaml")
        .read_text(encoding="utf-8")
        .replace("slug: vcare\n", "slug: vcare-oud\n")
    )
    assert f'version: "{NEW}"' in text and "note_nl:" in text
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    old_dir.mkdir(), new_dir.mkdir()
    (old_dir / "vcare.yaml").write_text(_as_it_was(text), encoding="utf-8")
    (new_dir / "vcare.yaml").write_text(text, encoding="utf-8")
    return old_dir, new_dir


def _processor():
    return db.session.scalar(select(Processor).filter_by(slug="vcare-oud"))


def _versions():
    return list(db.session.scalars(select(ContractTerms.version).filter_by(processor_id=_processor().id)))


def test_the_renamed_version_updates_the_row_seeded_under_the_old_name(app, seed_files):
    old_dir, new_dir = seed_files
    load_seed(old_dir)
    assert _versions() == [OLD]
    terms_id = db.session.scalar(select(ContractTerms.id).filter_by(processor_id=_processor().id))
    report = load_seed(new_dir)
    db.session.expire_all()
    assert _versions() == [NEW]
    terms = db.session.get(ContractTerms, terms_id)
    assert terms.version == NEW and terms.source_document == "Verwerkersovereenkomst Vcareconnect B.V."
    assert _processor().source_document == "Verwerkersovereenkomst Vcareconnect B.V."
    assert (
        _processor().list_note_nl
        == "Actuele lijst in Bijlage B (art. 4.1); Bijlage A noemt de subverwerkers per dienst."
    )
    microsoft = db.session.scalar(select(SubProcessor).filter_by(processor_id=_processor().id, key="microsoft"))
    assert microsoft.note_nl.startswith('Bijlage B noemt hem "Microsoft (via PCI) NL"')
    assert report.left_alone == []
    # The renaming, then the new values of the terms (their source), the processor (source, Dutch notes) and
    # Microsoft (its Dutch note); a second run changes nothing.
    assert report.changes == {"vcare-oud": 4}
    again = load_seed(new_dir)
    assert again.changes == {"vcare-oud": 0} and again.left_alone == [] and _versions() == [NEW]


def test_an_edited_version_is_renamed_and_keeps_the_edit(app, seed_files):
    old_dir, new_dir = seed_files
    load_seed(old_dir)
    terms = db.session.scalar(select(ContractTerms).filter_by(processor_id=_processor().id))
    terms.notice_days = 45
    db.session.commit()
    report = load_seed(new_dir)
    db.session.expire_all()
    assert _versions() == [NEW]
    terms = db.session.scalar(select(ContractTerms).filter_by(processor_id=_processor().id))
    assert terms.notice_days == 45 and terms.source_document == "Verwerkersovereenkomst Vcareconnect B.V. (seed 000)"
    assert [str(item) for item in report.left_alone] == [
        f"contract terms '{NEW}' of vcare-oud (changed by an editor or by hand since seeding: notice_days)"
    ]
