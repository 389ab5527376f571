"""Moving feeds in and out: the portable format, whole-site moves, backups."""
