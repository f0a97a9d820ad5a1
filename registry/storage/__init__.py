"""How rows are stored safely: engine settings, row locks that re-read, rows a unique key allows once, services
that roll back when they refuse. Imports registry.extensions, registry.exceptions and registry.text."""
