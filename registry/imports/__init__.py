"""Bringing a processor's own spreadsheets in: reading a CSV or XLSX file into rows with their cell addresses
(tables), writing the templates to fill in (templates). Imports models, subprocessors, announcements, law, accounts,
audit, storage, text."""
