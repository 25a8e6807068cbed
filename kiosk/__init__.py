"""pec-kiosk: the help-desk kiosk that renews lawyers' PEC mailboxes."""

__version__ = "0.1.0"
