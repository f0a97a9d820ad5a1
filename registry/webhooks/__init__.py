"""Webhooks: HTTPS endpoints of a processor or a controller organisation that receive its events signed per the
Standard Webhooks specification, queued in the transaction of the event and delivered by the outbox worker.
Imports models, announcements, audit, law, mail, storage, text."""
