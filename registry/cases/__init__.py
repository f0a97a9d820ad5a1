"""A case: one published announcement under one contract, and what the controller did about it (objecting,
consenting, the outcome, termination). Imports models, announcements, law, audit, mail, storage, text, webhooks."""
