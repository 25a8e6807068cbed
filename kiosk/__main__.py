"""`python -m kiosk` is the `pec-kiosk` command."""

from kiosk.cli import main

main()
