"""A case: one published announcement as it touches one contract, with what the controller did about it (an
objection or a consent decision, a notice of termination) and what it may still do, by when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from registry.announcements import deadlines
from registry.announcements.deadlines import ContractDeadlines
from registry.announcements.summary import describe
from registry.law import periods
from registry.models import Announcement, ConsentDecision, CustomerContract, Objection, Service, Termination
from registry.text import Joined, Text, _, lower


def announced_on(announcement: Announcement) -> date:
    """The calendar day (Europe/Amsterdam) on which an announcement was published: its periods run from it."""
    return periods.local_day(announcement.published_at)


def contract_deadlines(contract: CustomerContract, announcement: Announcement) -> ContractDeadlines:
    """The route (object or consent) and any objection period this contract's own terms give for an announcement."""
    return deadlines.contract_deadlines(
        f"contract {contract.reference} of {contract.organisation.name}",
        contract.terms,
        announced_on(announcement),
        contract,
        bool(describe(announcement).outside_eea),
    )


@dataclass
class Case:
    """One announcement as it touches one contract, with what the controller did about it."""

    announcement: Announcement
    contract: CustomerContract
    deadlines: ContractDeadlines
    services: list[Service]
    objection: Objection | None
    consent: ConsentDecision | None
    termination: Termination | None = None

    @property
    def consent_route(self) -> bool:
        return self.deadlines.consent

    @property
    def deadline(self) -> periods.Deadline | None:
        """The last day to object, only where the contract states an objection period."""
        return self.deadlines.objection_deadline

    @property
    def effective_date(self) -> date:
        return self.announcement.effective_date

    @property
    def withdrawn(self) -> bool:
        return self.announcement.status == "withdrawn"

    @property
    def after_contract_end(self) -> bool:
        """The contract ends (after notice of termination) before the change takes effect: nothing to decide."""
        return self.termination is not None and self.effective_date > self.termination.end_date

    def contract_end_reason(self) -> Text:
        """Why the controller has nothing to decide: its contract ends before the change takes effect."""
        return _(
            "Your contract %(ref)s ends on %(end)s (notice %(notice)s), before this change takes effect on "
            "%(day)s: it does not concern your contract.",
            ref=self.contract.reference,
            end=self.termination.end_date,
            notice=self.termination.reference,
            day=self.effective_date,
        )

    def in_effect(self, today: date) -> bool:
        return today >= self.effective_date

    def days_until_effective(self, today: date) -> int:
        return (self.effective_date - today).days

    def open_for_objection(self, today: date) -> bool:
        """Whether the controller may object now: until its contract's deadline, or at any time where it has none."""
        if self.consent_route or self.withdrawn or self.objection is not None or self.after_contract_end:
            return False
        return self.deadline is None or today <= self.deadline.day

    def open_for_consent(self) -> bool:
        return self.consent_route and not self.withdrawn and self.consent is None and not self.after_contract_end

    def needs_attention(self, today: date) -> bool:
        return (self.open_for_objection(today) and not self.in_effect(today)) or self.open_for_consent()

    def state(self, today: date) -> Text | Joined:
        """The state in a few words, for the dashboard."""
        if self.withdrawn:
            return _("Withdrawn by the processor")
        if self.after_contract_end:
            return _(
                "Your contract ends on %(end)s (%(ref)s), before this change takes effect: nothing to decide.",
                end=self.termination.end_date,
                ref=self.termination.reference,
            )
        if self.consent_route:
            if self.consent is not None:
                return Joined([self.consent.label, f"({self.consent.reference})"])
            return _("Pending your consent")
        if self.objection is not None:
            state = _(
                "Objected (%(ref)s): %(state)s", ref=self.objection.reference, state=lower(self.objection.status_label)
            )
            if self.objection.after_effective:
                return Joined([state, _("(made after the change took effect)")])
            return state
        if self.deadline is not None:
            if today <= self.deadline.day:
                return _(
                    "You may object until the end of %(day)s (art. %(article)s)",
                    day=self.deadline.day,
                    article=self.contract.terms.objection_period_article or "-",
                )
            return _(
                "No objection made; the deadline of art. %(article)s has passed",
                article=self.contract.terms.objection_period_article or "-",
            )
        if not self.in_effect(today):
            return _(
                "You may object; your contract sets no deadline. The change takes effect on %(day)s.",
                day=self.effective_date,
            )
        return _(
            "You may still object: your contract sets no deadline. The change took effect on %(day)s; an "
            "objection now is recorded as made after it took effect.",
            day=self.effective_date,
        )
