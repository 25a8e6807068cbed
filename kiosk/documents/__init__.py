"""Documents: the payment reminder and the invoice as PDF, the invoice as FatturaPA XML.

Pure: content in (`content`), bytes out (`pdf`, `fatturapa`), files written privately
(`files`). The services (`kiosk.services.documents`) read the database and fill the content.
"""
