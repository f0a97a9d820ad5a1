"""A processor's registry: editing services, terms and contracts; versions, the registry on a day, its checks; seeding. Imports models, law, audit, storage, text."""
