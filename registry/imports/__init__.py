"""Bringing a processor's own spreadsheets in: reading a CSV or XLSX file into rows with their cell addresses
(tables), writing the templates to fill in (templates); its list of sub-processors read and checked (registry_columns,
registry_list), planned as the registry's first record or as draft announcements (registry_plan, registry_later) and
applied (registry_apply); a processor's customer contracts from its spreadsheet (contracts, contract_rows).
Imports models, subprocessors, announcements, law, accounts, audit, storage, text."""
