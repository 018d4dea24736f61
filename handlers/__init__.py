"""Channel-agnostic message handlers: one inbound value in, one reply text out."""
