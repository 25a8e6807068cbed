"""The CLI's exit codes (README): light, so that starting the kiosk does not import the output
helpers before its first paint."""

EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT, EXIT_UNAVAILABLE = 0, 1, 2, 3
