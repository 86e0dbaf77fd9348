"""Click commands of the later pipeline stages (validate, fluxscale, report)."""
