"""The ``livefeed`` command: run the site and do desk chores from a terminal or a script."""
