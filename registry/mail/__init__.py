"""Mail: the outbox (queued in the event's transaction), what a mail says (composing) and where it links (links),
the MIME messages (messages, Flask-Mail), the worker's delivery and its outcomes, subscriptions, evidence,
invitations. Imports models, audit, accounts, announcements, subprocessors, law, storage, text; never the web
layer, which installs the composer and the link builder (registry.web.mail)."""
