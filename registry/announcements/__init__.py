"""Announcements of sub-processor changes: drafting, the deadlines each contract gives, publishing, reading,
what an announcement says. Imports models, subprocessors, law, audit, mail, storage, text, webhooks."""
