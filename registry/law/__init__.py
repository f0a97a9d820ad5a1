"""The law as data and arithmetic: EEA and transfer tools (GDPR ch. V), periods (Reg. 1182/71), Dutch holidays (Atw). Imports registry.text and registry.data only."""
