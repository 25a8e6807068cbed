"""`pec-kiosk serve`: the long-lived process beside the kiosks.

`app.ServeApp` is an aiohttp application (the bank's notification endpoint `/notify`, and the
sandbox bank under `/bank` when asked) plus a list of background tasks (the scheduler's jobs;
other senders plug in with `ServeApp.add_background`). The kiosk's demo runs one in-process.
"""
