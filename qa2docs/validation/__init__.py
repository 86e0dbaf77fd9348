"""The validation stage: rules, their tolerances, and the report (see qa2docs.validate)."""
