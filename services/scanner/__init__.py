"""Scanner service: pull, inventory, match, and keep findings current."""
