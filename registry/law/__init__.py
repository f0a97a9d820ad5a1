"""The law as data and arithmetic: EEA and transfer tools (GDPR ch. V), periods (Reg. 1182/71 art. 3), Dutch
holidays (Atw art. 3). Imports registry.text and registry.data only."""
