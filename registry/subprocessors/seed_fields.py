"""Which keys of a seed file (seed/*.yaml) fill which columns of a processor, its contract terms and its services."""

TERMS_FIELDS = [
    "effective_from",
    "authorisation",
    "authorisation_article",
    "authorisation_text",
    "notice_days",
    "notice_source",
    "notice_article",
    "notice_text",
    "objection_route",
    "objection_article",
    "objection_text",
    "objection_days",
    "objection_period_article",
    "consent_reasonable",
    "consent_reasonable_article",
    "termination_allowed",
    "termination_months",
    "termination_article",
    "termination_text",
    "transfer_rule",
    "transfer_article",
    "transfer_text",
    "named_transfer_bases",
    "list_article",
    "list_text",
]
# Each `<term>_text` quotes the contract in Dutch; `<term>_text_en` is its English rendering (a translation).
TEXT_TERMS = ["authorisation", "notice", "objection", "termination", "transfer", "list"]
TERMS_DEFAULTS = {"notice_source": "policy", "consent_reasonable": False}
PROCESSOR_FIELDS = [
    "name",
    "legal_name",
    "address",
    "kvk_number",
    "source_document",
    "list_publication",
    "list_note",
    "list_note_nl",
    "listed_since",
    "listed_since_note",
    "listed_since_note_nl",
]
SERVICE_FIELDS = ["name", "description", "data_categories", "data_subjects", "purposes", "retention", "source"]
