"""Mails people trust: every kind, in English and Dutch, has a styled HTML part (its CSS in style attributes, which
Outlook and Gmail keep), a greeting, a button whose address is also written out, and a footer saying why the reader
gets it and how to stop it; the plain text part says the same; the sender is the processor, through the registry.

The expected words are written out here from the rule (whom a mail goes to, and why), not taken from the code."""

import re

import pytest

from ..html import parse, text
from .mail_journey import INVITED, OFFICER, READER, by_class, every_kind, inline_styles_everywhere

pytestmark = pytest.mark.usefixtures("clock")

NOTICE = "privacy@huisartsenpraktijk-x.example"  # the Vcare contract's notice address (seed)
CONTROLLER, EDITOR = "a@praktijk-x.example.org", "ed@vcare.example.org"
CONTRACT = "VC-2024-0117 (telefonie en Operator)"
NOT_VIA_CONTRACT = {
    "en": "These notices follow from the contract: they cannot be unsubscribed from. To have them sent to another "
    "address, ask Vcare to change the contract's notice address.",
    "nl": "Deze kennisgevingen volgen uit de overeenkomst: u kunt zich er niet voor afmelden. Wilt u ze op een ander "
    "adres ontvangen, vraag Vcare dan het kennisgevingsadres van de overeenkomst te wijzigen.",
}
CASE_WHY = {
    "en": f"You receive this because of contract {CONTRACT} between Huisartsenpraktijk X and Vcare: this address is "
    "its notice address, or you take part in this case in the portal.",
    "nl": f"U ontvangt dit vanwege overeenkomst {CONTRACT} tussen Huisartsenpraktijk X en Vcare: dit adres is het "
    "kennisgevingsadres ervan, of u neemt in het portaal deel aan deze zaak.",
}
DEAR_OFFICER = {
    "en": "Dear privacy officer of Huisartsenpraktijk X,",
    "nl": "Beste privacyfunctionaris van Huisartsenpraktijk X,",
}
HELLO = {"en": "Hello,", "nl": "Goedendag,"}
VIA = {"en": "Vcare via Sub-processor Registry", "nl": "Vcare via Register van subverwerkers"}
REGISTRY = {"en": "Sub-processor Registry", "nl": "Register van subverwerkers"}
EDITOR_FRAME = {
    "en": (
        "Dear editor of Vcare,",
        "You receive this as an editor of Vcare: the editors are told of every objection, consent decision and notice "
        "of termination of its customers.",
        "To stop receiving them, ask the registry's administrator to end your editor account.",
    ),
    "nl": (
        "Beste redacteur van Vcare,",
        "U ontvangt dit als redacteur van Vcare: de redacteuren horen van elk bezwaar, elk toestemmingsbesluit en elke "
        "opzegging van de klanten.",
        "Wilt u ze niet meer ontvangen, vraag de beheerder van het register dan uw redacteursaccount te beëindigen.",
    ),
}


def expected(language: str) -> dict[tuple[str, str], tuple[str, str, str, str]]:
    """(step, recipient) → (sender name, greeting, why, how to stop) in `language`."""
    en = language == "en"
    asked = (
        f"You receive this because someone asked on the registry's page of Vcare to subscribe {READER}."
        if en
        else f"U ontvangt dit omdat iemand op de registerpagina van Vcare heeft gevraagd {READER} te abonneren."
    )
    contract_notice = (
        VIA[language],
        DEAR_OFFICER[language],
        f"You receive this because this address is the notice address of contract {CONTRACT} between "
        "Huisartsenpraktijk X and Vcare."
        if en
        else f"U ontvangt dit omdat dit adres het kennisgevingsadres is van overeenkomst {CONTRACT} tussen "
        "Huisartsenpraktijk X en Vcare.",
        NOT_VIA_CONTRACT[language],
    )
    case_controller = (VIA[language], DEAR_OFFICER[language], CASE_WHY[language], NOT_VIA_CONTRACT[language])
    case_editor = (VIA[language], *EDITOR_FRAME[language])
    found = {
        ("subscription", READER): (
            VIA[language],
            HELLO[language],
            asked,
            "If it was not you, ignore this message: without your confirmation nothing will be sent."
            if en
            else "Was u het niet, negeer dan dit bericht: zonder uw bevestiging wordt niets verstuurd.",
        ),
        ("subscription, confirmed", READER): (
            VIA[language],
            HELLO[language],
            asked,
            "To stop the messages: manage or end your subscription"
            if en
            else "Om de berichten te stoppen: uw abonnement beheren of opzeggen",
        ),
        ("announcement", READER): (
            VIA[language],
            "Dear subscriber," if en else "Beste abonnee,",
            "You receive this because you subscribed to the announced sub-processor changes of Vcare."
            if en
            else "U ontvangt dit omdat u zich hebt geabonneerd op de aangekondigde wijzigingen in de subverwerkers "
            "van Vcare.",
            "To choose other services or to stop these messages: manage or end your subscription"
            if en
            else "Om andere diensten te kiezen of deze berichten te stoppen: uw abonnement beheren of opzeggen",
        ),
        ("announcement", NOTICE): contract_notice,
        ("announcement needing consent", NOTICE): contract_notice,
        ("password reset", CONTROLLER): (
            REGISTRY[language],
            HELLO[language],
            f"You receive this because a new password was asked for the account {CONTROLLER} at the Sub-processor "
            "Registry."
            if en
            else f"U ontvangt dit omdat er een nieuw wachtwoord is gevraagd voor het account {CONTROLLER} bij het "
            "Register van subverwerkers.",
            "If you did not ask for it, ignore this message: nothing changes."
            if en
            else "Hebt u hier niet om gevraagd, negeer dan dit bericht: er verandert niets.",
        ),
        ("invitation", INVITED): (
            REGISTRY[language],
            HELLO[language],
            f"You receive this because {EDITOR} invited {INVITED} to the Sub-processor Registry."
            if en
            else f"U ontvangt dit omdat {EDITOR} {INVITED} heeft uitgenodigd voor het Register van subverwerkers.",
            "If you do not want it, ignore this message: the link expires by itself and nothing more is sent."
            if en
            else "Wilt u dit niet, negeer dan dit bericht: de link verloopt vanzelf en er wordt niets meer verstuurd.",
        ),
    }
    found[("invitation, sent again", INVITED)] = found[("invitation", INVITED)]
    found[("invitation to the portal", OFFICER)] = (
        REGISTRY[language],
        HELLO[language],
        f"You receive this because {EDITOR} invited {OFFICER} to the Sub-processor Registry."
        if en
        else f"U ontvangt dit omdat {EDITOR} {OFFICER} heeft uitgenodigd voor het Register van subverwerkers.",
        found[("invitation", INVITED)][3],
    )
    found[("request for a new invitation", EDITOR)] = (
        REGISTRY[language],
        HELLO[language],
        f"You receive this because you invited {INVITED} to Vcare, who asks for a new invitation."
        if en
        else f"U ontvangt dit omdat u {INVITED} hebt uitgenodigd voor Vcare, die om een nieuwe uitnodiging vraagt.",
        "If you do not want to invite them again, ignore this message."
        if en
        else "Wilt u deze persoon niet opnieuw uitnodigen, negeer dan dit bericht.",
    )
    for step in ("objection", "termination", "consent"):  # told to both sides
        found[(step, NOTICE)] = found[(step, CONTROLLER)] = case_controller
        found[(step, EDITOR)] = case_editor
    for step in ("message", "outcome"):  # the editor wrote, or recorded the outcome: the controller is told
        found[(step, NOTICE)] = found[(step, CONTROLLER)] = case_controller
    return found


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_kind_of_mail_has_the_frame_in_both_parts(app, users, language):
    journey = every_kind(users, language)
    want = expected(language)
    seen = {(step, to) for step, mails in journey.mail.items() for to, _ in mails}
    assert set(want) <= seen, set(want) - seen
    for (step, recipient), (sender, greeting, why, stop) in want.items():
        message = journey.one(step, recipient)
        where = f"{step} to {recipient}"
        assert message["From"].addresses[0].display_name == sender, where
        html_part = message.get_body(("html",)).get_content()
        html = parse(html_part)
        assert html.get("lang") == language, where
        inline_styles_everywhere(html)
        [brand] = by_class(html, "brand")
        assert text(brand) == ("Vcare" if sender == VIA[language] else REGISTRY[language]), where
        [shown_greeting], [shown_why], [shown_stop] = (
            by_class(html, "greeting"),
            by_class(html, "why"),
            by_class(html, "stop"),
        )
        assert (text(shown_greeting), text(shown_why), text(shown_stop)) == (greeting, why, stop), where
        [button] = by_class(html, "button")
        [written] = by_class(html, "button-url")
        [link] = written.iter("a")
        assert button.get("href") == link.get("href") == text(link) and link.get("href").startswith("http://"), where
        plain = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert plain.startswith(greeting + "\n\n"), where
        assert not re.search(r"[^.]\.\.(\s|$)", plain + " " + text(html.find("body"))), where  # no "B.V.. This"
        # The footer below the signature line, its link (if any) written out after the words that lead to it.
        stop_links = list(shown_stop.iter("a"))
        plain_stop = stop.removesuffix(text(stop_links[0])) + stop_links[0].get("href") if stop_links else stop
        assert plain.split("\n-- \n")[1] == f"{why}\n{plain_stop}\n", where


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_subscribers_footer_links_to_their_own_manage_page(app, users, language):
    journey = every_kind(users, language)
    message = journey.one("announcement", READER)
    manage = message["List-Unsubscribe"].strip("<>").removesuffix("unsubscribe")
    [stop] = by_class(parse(message.get_body(("html",)).get_content()), "stop")
    [link] = stop.iter("a")
    assert link.get("href") == manage and manage.startswith("http://registry.test/subscriptions/")
    assert message.get_body(("plain",)).get_content().rstrip().endswith(f": {manage}")
