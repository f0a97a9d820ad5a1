"""Bringing a processor's own spreadsheets in: reading a CSV or XLSX file into rows with their cell addresses
(tables), writing the templates to fill in (templates); a processor's customer contracts from its spreadsheet
(contracts, contract_rows). Imports models, subprocessors, announcements, accounts, audit, storage, text."""
