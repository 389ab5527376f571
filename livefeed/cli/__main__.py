"""``python -m livefeed.cli`` runs the same command as the installed ``livefeed``."""

from livefeed.cli.main import main

main()
