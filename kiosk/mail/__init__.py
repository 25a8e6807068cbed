"""E-mail delivery: the outbox sent over SMTP (`sender`), the message as it goes on the wire
(`compose`), the SMTP client (`transport`), and the demo's local catcher (`catcher`)."""
