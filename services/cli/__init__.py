"""The regsieve command: run the stack or one service."""
