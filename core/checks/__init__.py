"""日排查日报告 — each township checks its area every day and reports twice a day: the rules (daily)
and the report's action (usecases)."""
