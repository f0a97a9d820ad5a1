"""The append-only audit trail, its signed checkpoints, their verification, reading it, and backups.
Imports models, storage, text."""
