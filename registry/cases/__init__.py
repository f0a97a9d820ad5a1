"""A controller's case about one announcement under one contract: objecting, consenting, the outcome, termination. Imports announcements, law, audit, mail, storage, text."""
