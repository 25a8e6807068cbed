"""Remote assistance between the SSH server and the kiosks it starts (see `kiosk.serve.sshd`)."""
