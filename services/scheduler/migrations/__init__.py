"""Forward-only SQL migrations of the scheduler schema."""
