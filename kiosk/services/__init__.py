"""Use cases: async, one transaction per state change, frozen dataclasses out.

`facade.Services` bundles them around one `ServiceContext`; `runtime.open_services` opens the
database for the life of a block. This package's own import is light on purpose: screens import
`kiosk.services.dto` without pulling in the ORM, so the kiosk paints before the database opens.
"""
