"""Sentences of the domain before they are in a language, and the plain-text rule for typed text. Imports only the standard library."""
from registry.text.message import Joined, Text, _, ngettext

__all__ = ["Joined", "Text", "_", "ngettext"]
