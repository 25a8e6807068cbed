"""Two fixed SSH public keys (their private halves were never kept): the same fingerprints on
screen in every run, for the snapshots, the Pilot tests and the README's screenshots."""

from __future__ import annotations

LAPTOP = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMvqvdZkT0ItkocXH1CORYHmxQnz3uLTL6efj7H6utK4 "
    "luca@portatile-sportello"
)
LAPTOP_PRINT = "SHA256:nZU+iqtqDNUQr5sIus4nhJqlvdCqbAiXeKKkXXPnAYE"
HOME = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB3U/Aowl05hM5c3MEzGwTB2vNRqyjfntwtDLvn3fGOk luca@casa"
HOME_PRINT = "SHA256:LIXQeLc8vu2F1MyLfOxdUr4iixdeFseQmB5yjTLmNxQ"
