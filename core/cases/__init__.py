"""A petition as a case: registration, the steps that move it (lifecycle), who it accuses and who is
told (accusations, audience), 扬言 (threats), the same matter again (similar), 批示
(instructions), 回访 (followup), the written notices (documents), the deadline sweep (sweep),
tracking numbers (tracking), and the actions on it — the officials' (usecases) and the
petitioner's own (petitioner)."""
