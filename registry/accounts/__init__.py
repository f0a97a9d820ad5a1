"""People who log in: creating accounts, checking credentials, the password rule, the demo accounts.
Imports models, audit, storage, text."""
