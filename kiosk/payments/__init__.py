"""Payment gateways: how a card order reaches the bank's secure page, and how the bank's
server-to-server notification comes back."""
