"""Pure renewal rules: dates and windows, money and IVA, order codes, payment payloads, validation.

Nothing here does I/O, reads the clock or imports the store: every function takes what it needs.
"""
