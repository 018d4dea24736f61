"""七晚工作法 — seven evening home visits for a backlog case: the plan's rules (visits), the evening
sweep that judges each evening (sweep) and the actions (usecases)."""
