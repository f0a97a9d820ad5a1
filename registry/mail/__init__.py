"""Mail: the outbox (queued in the event's transaction), what a mail says (composing) and where it links (links),
the MIME messages (messages, Flask-Mail), the worker's delivery and its outcomes, subscriptions, evidence.
Imports models, audit, accounts, announcements, law, storage, text; never the web layer, which installs the
composer and the link builder (registry.web.mail)."""
