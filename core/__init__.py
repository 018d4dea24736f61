"""Domain model and rules of xinfang. No Flask, no I/O beyond the database session."""
