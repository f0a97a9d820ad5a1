"""Announcements of sub-processor changes: drafting, the notice deadlines per contract, publishing, reading, their summary. Imports subprocessors, law, audit, mail, storage, text."""
