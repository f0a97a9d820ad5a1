"""Mail: the outbox (queued in the event's transaction), the worker's delivery and its outcomes, subscriptions, evidence. Imports models, audit, accounts, law, storage, text."""
