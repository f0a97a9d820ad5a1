"""Sentences of the domain before they are in a language, and the plain-text rule for typed text. Imports only the standard library."""
