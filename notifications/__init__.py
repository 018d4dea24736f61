"""Outbound messages: the outbox and the backends that deliver it (console, Twilio SMS)."""
