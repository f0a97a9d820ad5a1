"""The append-only audit trail, its signed checkpoints, their verification, and backups. Imports models, storage, text."""
