"""A processor's registry: editing services, terms and contracts; reading them for the editor; versions, the
registry on a day, its checks; seeding. Imports models, accounts, law, audit, storage, text."""
