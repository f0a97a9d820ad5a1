"""Property-based: the button that deletes a draft, posted with whatever else a browser may send, on drafts with
hostile but plain text and on published announcements (which refuse, 400, and stay). Each example in a
savepoint that is rolled back (fuzz.py); the figures go to test-artifacts/."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from registry.announcements import drafting, publication
from registry.extensions import db
from registry.models import Announcement, AuditEntry, User

from .fuzz import EXAMPLES, INERT, REFUSED, Spy, Tally, Value, drive, form_data, isolated
from .seeded import DAY, backend, vcare
from .test_random_registry import inert_draft


def test_the_delete_button(fuzz_day, app, client, users, login, monkeypatch):
    login(users.vcare_editor)
    from registry.web.admin import announcements as views

    spy = Spy(monkeypatch).on(views, "delete_draft")
    tally = Tally("DeleteForm", backend(app))
    editor_id, services = users.vcare_editor.id, [s.id for s in vcare().services]

    @EXAMPLES
    @given(
        draft=inert_draft(),
        published=st.booleans(),
        extra=st.dictionaries(st.sampled_from(["x", "confirm", "csrf"]), st.sampled_from(INERT), max_size=2),
    )
    def run(draft, published, extra):
        with isolated():
            editor = db.session.get(User, editor_id)
            made = drafting.save_draft(
                editor,
                vcare(),
                None,
                {
                    "kind": "add",
                    "service_ids": services[:1],
                    "new_name": draft["new_name"],
                    "new_legal_name": draft["new_legal_name"],
                    "new_description": draft["new_description"],
                    "purpose": draft["purpose"],
                    "reason": draft["reason"],
                    "effective_date": DAY + timedelta(days=draft["days"]),
                    "locations": [
                        {"country": "NL", "place": draft["place"], "role": "processing", "transfer_basis": None}
                    ],
                },
            )
            made_id, number = made.id, made.number
            if published:
                publication.publish(editor, vcare(), made_id)
            values = {name: Value(raw) for name, raw in extra.items()}
            if published:
                values["state"] = Value("published", REFUSED)
            calls = spy.calls
            response = client.post(f"/admin/processors/vcare/announcements/{made_id}/delete", data=form_data(values))
            db.session.expire_all()
            kept = db.session.get(Announcement, made_id)
            page = response.get_data(as_text=True)
            if published:
                assert f"Announcement #{number} is published and cannot be deleted" in page

            def deleted() -> bool:
                entry = db.session.scalar(select(AuditEntry).filter_by(action="announcement.delete", object_id=made_id))
                return (
                    response.status_code == 302
                    and response.headers["Location"] == "/admin/processors/vcare/announcements/"
                    and kept is None
                    and entry is not None
                    and entry.summary == f"Deleted draft #{number}"
                )

            drive(response, values, tally, spy.calls > calls, kept is not None and kept.status == "published", deleted)

    run()
    tally.assert_real_share()
