"""Budget monitoring: budget and actual to date, forecast outturn, variance, RAG, and the prior-agreement gate."""
