"""N_(): marks a text for translation where it is defined; it is translated where it is shown (`_(label)`)."""


def N_(text: str) -> str:
    return text
