"""`pec-kiosk users key add|list|remove`: the operators' SSH keys."""

from __future__ import annotations

from pathlib import Path

import asyncssh
import pytest

from tests.cli.helpers import DEMO_USER, OPERATOR, Kiosk


def public_key_file(tmp_path: Path, name: str, comment: str = "luca@sportello") -> Path:
    key = asyncssh.generate_private_key("ssh-ed25519", comment=comment)
    path = tmp_path / f"{name}.pub"
    path.write_bytes(key.export_public_key())
    return path


def test_add_list_remove(demo_db: Kiosk, tmp_path: Path) -> None:
    path = public_key_file(tmp_path, "luca")
    added = demo_db.ok("users", "key", "add", OPERATOR, str(path))
    assert added["userid"] == OPERATOR
    assert added["fingerprint"].startswith("SHA256:")
    assert added["comment"] == "luca@sportello"
    assert added["added_by"] == "admin.demo"
    assert added["public_key"] == path.read_text().rsplit(" ", 1)[0]

    second = demo_db.ok("users", "key", "add", "admin.demo", str(public_key_file(tmp_path, "a")))
    assert [k["fingerprint"] for k in demo_db.ok("users", "key", "list")] == [
        second["fingerprint"],  # by operator: admin.demo, then operatore.demo
        added["fingerprint"],
    ]
    assert [k["userid"] for k in demo_db.ok("users", "key", "list", OPERATOR)] == [OPERATOR]
    text = demo_db("users", "key", "list", OPERATOR, expect=0).stdout
    assert added["fingerprint"] in text and "luca@sportello" in text

    again = demo_db.refused("users", "key", "add", OPERATOR, str(path))  # the same key
    assert again["error"] == "conflict"

    removed = demo_db.ok("users", "key", "remove", added["fingerprint"])
    assert removed["removed"] is True
    assert demo_db.ok("users", "key", "list", OPERATOR) == []
    gone = demo_db.refused("users", "key", "remove", added["fingerprint"])
    assert gone["error"] == "unknown_key"


def test_keys_only_for_operators(demo_db: Kiosk, tmp_path: Path) -> None:
    refused = demo_db.refused("users", "key", "add", DEMO_USER, str(public_key_file(tmp_path, "x")))
    assert refused["error"] == "not_operator"
    unknown = demo_db.refused("users", "key", "add", "nessuno", str(public_key_file(tmp_path, "y")))
    assert unknown["error"] == "unknown_user"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a key at all\n",
        b"ssh-ed25519 AAAA!!notbase64 x\n",
        b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA== truncated\n",
        b"ssh-dss AAAAB3NzaC1kc3MAAACBAP== old\n",
        b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
        b"-----END OPENSSH PRIVATE KEY-----\n",
        b"\xff\xfe\x00binary",
    ],
)
def test_bad_key_file_is_exit_2_and_changes_nothing(
    demo_db: Kiosk, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "bad.pub"
    path.write_bytes(content)
    result = demo_db("users", "key", "add", OPERATOR, str(path), expect=2)
    assert "Errore:" in result.stderr
    assert demo_db.ok("users", "key", "list") == []


def test_missing_key_file_and_two_keys_in_one_file(demo_db: Kiosk, tmp_path: Path) -> None:
    demo_db("users", "key", "add", OPERATOR, str(tmp_path / "assente.pub"), expect=2)
    two = tmp_path / "two.pub"
    two.write_bytes(
        public_key_file(tmp_path, "one").read_bytes()
        + public_key_file(tmp_path, "other").read_bytes()
    )
    demo_db("users", "key", "add", OPERATOR, str(two), expect=2)


def test_small_rsa_key_is_refused(demo_db: Kiosk, tmp_path: Path) -> None:
    key = asyncssh.generate_private_key("ssh-rsa", key_size=1024)
    path = tmp_path / "rsa.pub"
    path.write_bytes(key.export_public_key())
    demo_db("users", "key", "add", OPERATOR, str(path), expect=2)
    strong = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
    path.write_bytes(strong.export_public_key())
    assert demo_db.ok("users", "key", "add", OPERATOR, str(path))["type"] == "ssh-rsa"


def test_a_kiosk_terminals_key(demo_db: Kiosk, tmp_path: Path) -> None:
    """`users key add --terminal NAME PUBKEY_FILE`: listed and removed like the others."""
    path = public_key_file(tmp_path, "atrio", comment="chiosco@atrio")
    added = demo_db.ok("users", "key", "add", "--terminal", "sportello-1", str(path))
    assert (added["terminal"], added["userid"]) == ("sportello-1", None)
    operator = demo_db.ok("users", "key", "add", OPERATOR, str(public_key_file(tmp_path, "l")))
    assert operator["terminal"] is None
    listed = demo_db.ok("users", "key", "list")
    assert [(k["userid"], k["terminal"]) for k in listed] == [
        (OPERATOR, None),
        (None, "sportello-1"),
    ]
    only = demo_db.ok("users", "key", "list", "--terminal", "sportello-1")
    assert [k["fingerprint"] for k in only] == [added["fingerprint"]]
    text = demo_db("users", "key", "list", expect=0).stdout
    assert "terminale sportello-1" in text and "chiosco@atrio" in text
    said = demo_db("users", "key", "add", "--terminal", "sportello-2",
                   str(public_key_file(tmp_path, "b")), expect=0).stdout  # fmt: skip
    assert "per il terminale sportello-2" in said

    removed = demo_db.ok("users", "key", "remove", added["fingerprint"])
    assert removed["removed"] is True and removed["terminal"] == "sportello-1"
    assert demo_db.ok("users", "key", "list", "--terminal", "sportello-1") == []


def test_terminal_key_bad_input_is_exit_2(demo_db: Kiosk, tmp_path: Path) -> None:
    path = public_key_file(tmp_path, "t")
    for args in (
        ("--terminal", "con spazi", str(path)),  # not a terminal's name
        ("--terminal", "sportello-1", OPERATOR, str(path)),  # a userid as well
        (str(path),),  # neither a userid nor --terminal
        ("--terminal", "sportello-1", str(tmp_path / "assente.pub")),
    ):
        result = demo_db("users", "key", "add", *args, expect=2)
        assert "Errore:" in result.stderr and "Traceback" not in result.stderr
    assert demo_db.ok("users", "key", "list") == []
