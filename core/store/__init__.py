"""Persistence, fenced in one place: the models (models.py), the migrations (migrations/), the
engine and its transactions (db.py), and the statements built by hand for the hot path —
a sender's conversation (conversations.py), the raw inbound messages (inbox.py), the outbox's
claim (outbox.py). Every branch on the database's dialect is in this package; the rest of the
code calls these functions and never builds SQL for speed itself."""
