"""Property-based, as test_random_registry.py: the site admin's onboarding forms (a new processor; an account
disabled or enabled again), posted as a browser would, some examples with hostile text. Never a 5xx; what the form
or the domain refuses changes nothing; every other example is taken."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from registry.accounts import invitations, standing
from registry.extensions import db
from registry.mail import invitations as invitation_mail
from registry.models import AuditEntry, Invitation, Processor, RegistryVersion, User
from registry.subprocessors import onboarding

from .fuzz import EXAMPLES, INERT, Field, Spy, Tally, drive, example, form_data, isolated, text
from .seeded import EMAILS, backend, count

REGISTRATIONS = ["12345678", "12 34 56 78", "12.34.56.78", "HRB 12345", "BE 0123.456.789", "NL-KvK 87654321"]


def processor_fields() -> dict[str, Field]:
    return {
        "name": text(200, required=True),
        "legal_name": text(200, required=True),
        # A registration with a letter in it is kept as typed (other countries), so inert text may be taken too.
        "kvk_number": text(40, required=True, valid=st.sampled_from(REGISTRATIONS), inert_refused=False),
        "address": text(300, multi_line=True, required=True),
        "slug": text(64, valid=st.sampled_from(["fuzz-processor", "fuzz-2", "z"])),
        # Optional: the first editor, invited in the same step.
        "first_editor": text(254, valid=st.sampled_from(EMAILS)),
    }


def test_the_processor_form(fuzz_day, app, client, users, login, monkeypatch):
    login(users.admin)
    spy = Spy(monkeypatch).on(invitation_mail, "onboard")
    tally = Tally("ProcessorForm", backend(app))

    @EXAMPLES
    @given(values=example(processor_fields()))
    def run(values):
        with isolated():
            before, calls = count(Processor, RegistryVersion, AuditEntry, Invitation), spy.calls
            response = client.post("/admin/processors/new", data=form_data(values))

            def created() -> bool:
                # Read only for an example that must be taken (a NUL byte cannot even be looked up in PostgreSQL).
                name = " ".join(values["name"].raw.split())
                made = db.session.scalar(select(Processor).where(Processor.name == name))
                invited = bool(values["first_editor"].raw.strip())  # one more audit entry and invitation then
                return (
                    response.status_code == 302
                    and response.headers["Location"] == f"/admin/processors/{made.slug}/"
                    and made.slug == (values["slug"].raw.strip() or onboarding.slugify(name))
                    and count(Processor, RegistryVersion, AuditEntry, Invitation)
                    == (before[0] + 1, before[1] + 1, before[2] + 1 + invited, before[3] + invited)
                    and [i.email for i in invitations.invitations_of(made)]
                    == ([values["first_editor"].raw.strip().lower()] if invited else [])
                    and client.get(f"/processors/{made.slug}/").status_code == 200
                )

            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                count(Processor, RegistryVersion, AuditEntry, Invitation) == before,
                created,
            )

    run()
    tally.assert_real_share()


def test_the_account_state_forms(fuzz_day, app, client, users, login, monkeypatch):
    """Only the CSRF token; what is fuzzed is the way (disable or enable) and whatever else a browser sends."""
    login(users.admin)
    spy = Spy(monkeypatch).on(standing, "set_active")
    tally = Tally("AccountStateForm", backend(app))
    editor_id = users.vcare_editor.id

    @EXAMPLES
    @given(
        way=st.sampled_from(["disable", "enable"]),
        disabled_first=st.booleans(),
        extra=st.dictionaries(st.sampled_from(["x", "active", "csrf"]), st.sampled_from(INERT), max_size=2),
    )
    def run(way, disabled_first, extra):
        with isolated():
            if disabled_first:
                db.session.get(User, editor_id).active = False
                db.session.commit()
            calls = spy.calls
            response = client.post(f"/admin/processors/vcare/users/{editor_id}/{way}", data=extra)

            def done() -> bool:
                db.session.expire_all()
                return response.status_code == 302 and db.session.get(User, editor_id).active == (way == "enable")

            drive(response, {}, tally, spy.calls > calls, True, done)

    run()
    tally.assert_real_share()


def test_the_profile_form(fuzz_day, app, client, users, login, monkeypatch):
    """A processor's editor keeps its profile; what is taken is stored as typed (spaces joined)."""
    from registry.subprocessors import profile

    login(users.vcare_editor)
    spy = Spy(monkeypatch).on(profile, "update_profile")
    tally = Tally("ProfileForm", backend(app))
    fields = {name: field for name, field in processor_fields().items() if name not in ("slug", "first_editor")}

    @EXAMPLES
    @given(values=example(fields))
    def run(values):
        with isolated():
            before, calls = count(AuditEntry), spy.calls
            response = client.post("/admin/processors/vcare/profile", data=form_data(values))

            def saved() -> bool:
                db.session.expire_all()
                vcare = db.session.scalar(select(Processor).filter_by(slug="vcare"))
                return (
                    response.status_code == 302
                    and vcare.name == " ".join(values["name"].raw.split())
                    and vcare.address == " ".join(values["address"].raw.split())
                    and count(AuditEntry)[0] in (before[0], before[0] + 1)
                )

            drive(response, values, tally, spy.calls > calls, count(AuditEntry) == before, saved)

    run()
    tally.assert_real_share()


# Colours white text is readable on (contrast ≥ 4.5:1, worked out in tests/unit/test_branding.py) and ones it is
# not; logos as bytes: a PNG and a JPEG start, and files that are neither.
READABLE = ["#0b5394", "#767676", "#000000", "1D6B2F", " #A4000F "]
UNREADABLE = ["#777777", "#ffffff", "#ffff00", "#gggggg", "blue", "#12345"]
LOGOS = {"png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "jpeg": b"\xff\xd8\xff\xe0" + b"\x00" * 64}
NOT_LOGOS = [b"<svg onload='alert(1)'/>", b"GIF89a....", b"%PDF-1.7", b"\x89PNG\r\n\x1a\n" + b"\x00" * 210_000]


def test_the_face_forms(fuzz_day, app, client, users, login, monkeypatch):
    """The accent colour and the logo, and the removal of the logo: taken when readable and a PNG or JPEG."""
    import io

    from registry.models import ProcessorLogo
    from registry.subprocessors import branding

    from .fuzz import OK, REFUSED, Value

    login(users.vcare_editor)
    spy = Spy(monkeypatch).on(branding, "set_face")
    tally = Tally("FaceForm", backend(app))
    colour = text(20, valid=st.sampled_from(READABLE + [""]))

    @EXAMPLES
    @given(
        values=example({"accent_colour": colour}),
        bad_colour=st.sampled_from([None] * 12 + UNREADABLE),
        logo=st.sampled_from([None] * 4 + ["png", "jpeg"] * 3 + list(range(len(NOT_LOGOS)))),
        remove_first=st.booleans(),
    )
    def run(values, bad_colour, logo, remove_first):
        with isolated():
            if bad_colour is not None:
                values = {"accent_colour": Value(bad_colour, REFUSED)}
            data = form_data(values)
            if isinstance(logo, int):
                data["logo"] = (io.BytesIO(NOT_LOGOS[logo]), "logo.bin")
                values = {**values, "logo": Value("not a logo", REFUSED)}
            elif logo is not None:
                data["logo"] = (io.BytesIO(LOGOS[logo]), f"logo.{logo}")
                values = {**values, "logo": Value(logo, OK)}
            if remove_first:
                assert client.post("/admin/processors/vcare/profile/logo/remove").status_code == 302
            before, calls = count(AuditEntry, ProcessorLogo), spy.calls
            response = client.post(
                "/admin/processors/vcare/profile/face", data=data, content_type="multipart/form-data"
            )

            def saved() -> bool:
                db.session.expire_all()
                vcare = db.session.scalar(select(Processor).filter_by(slug="vcare"))
                typed = values["accent_colour"].raw.strip().lower()
                wanted = ("#" + typed if typed and not typed.startswith("#") else typed) or None
                stored = db.session.scalar(select(ProcessorLogo).filter_by(processor_id=vcare.id))
                return (
                    response.status_code == 302
                    and vcare.accent_colour == wanted
                    and (logo is None or (stored is not None and stored.data == LOGOS[logo]))
                )

            drive(response, values, tally, spy.calls > calls, count(AuditEntry, ProcessorLogo) == before, saved)

    run()
    tally.assert_real_share()
