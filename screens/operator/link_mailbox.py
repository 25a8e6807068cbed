"""Collega casella: the PEC address of a mailbox to tie to the subscriber's account.

Asked as a dialog over the subscriber's page: the address (prefilled with the first mailbox the
core found held by another account with the same codice fiscale), the candidates listed, and
the two answers. The safe one ("Annulla") is the default for Esc.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from kiosk.domain.validation import EMAIL_MAX
from kiosk.i18n import N_, _
from screens.widgets.bounded_input import BoundedInput
from screens.widgets.literal import literal


class LinkMailboxScreen(ModalScreen[str | None]):
    """The address to link (stripped), or None when the operator thinks better of it."""

    CSS_PATH = "link_mailbox.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Annulla"))]
    AUTO_FOCUS = "#link-pec"

    def __init__(self, userid: str, candidates: tuple[str, ...]) -> None:
        super().__init__()
        self.userid, self.candidates = userid, candidates

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                literal(
                    _("Collegare una casella PEC all'account {userid}.").format(userid=self.userid)
                ),
                id="question",
            )
            if self.candidates:
                hint = _("Caselle con lo stesso codice fiscale: {list}").format(
                    list=", ".join(self.candidates)
                )
            else:
                hint = _("Nessuna casella con lo stesso codice fiscale su altri account.")
            yield Static(literal(hint), id="candidates")
            yield BoundedInput(
                self.candidates[0] if self.candidates else "",
                placeholder=_("indirizzo PEC"),
                id="link-pec",
                max_length=EMAIL_MAX,
            )
            yield Static(
                _("Verificare l'identità con un documento prima di collegare."), classes="hint"
            )
            with Horizontal(classes="actions"):
                yield Button(_("Annulla"), id="no", variant="primary")
                yield Button(_("Collega casella"), id="yes", variant="warning")

    @on(Input.Submitted, "#link-pec")
    @on(Button.Pressed, "#yes")
    def action_link(self) -> None:
        self.dismiss(self.query_one("#link-pec", Input).value.strip())

    @on(Button.Pressed, "#no")
    def action_cancel(self) -> None:
        self.dismiss(None)
