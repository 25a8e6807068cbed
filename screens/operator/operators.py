"""Operatori: the help desk's accounts (administration): list with their state, add one,
disable or enable, reset access, and the selected operator's SSH keys (remote support over
`pec-kiosk serve ssh`): listed, one added by pasting its public key line, one removed.

Nobody's password or code is ever shown here: a new account and a reset one get a single-use
code by e-mail at the address on record, to choose a password with "Recupero credenziali"
(`kiosk.services.staff` says why). Only public keys are ever pasted here, never a private one.
Disabling, resetting and removing a key ask for a confirmation first.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, RadioButton, RadioSet, Static

from kiosk.domain.model import Role, role_label
from kiosk.errors import InvalidInput
from kiosk.i18n import N_, _, day, moment
from kiosk.services.admin_dto import StaffAccess, StaffKey, StaffMember
from screens.base import service_call
from screens.confirm import ConfirmScreen
from screens.forms import field
from screens.operator.admin_base import AdminScreen
from screens.widgets.literal import literal

ADD_FIELDS = ("new_userid", "nominativo", "email", "codice_fiscale")
KEY_TEXT_MAX = 16_384  # the key service's own limit for a public key's text


def key_cells(key: StaffKey) -> tuple[Text, Text]:
    """A key as two two-line cells: fingerprint over type and comment, day over who added it."""
    about = f"{key.key_type} · {key.comment}" if key.comment else key.key_type
    added = _("da {userid}").format(userid=key.added_by)
    return Text(f"{key.fingerprint}\n{about}"), Text(f"{moment(key.added_at)}\n{added}")


def state_text(member: StaffMember) -> str:
    if not member.enabled:
        assert member.disabled_at is not None
        return _("disabilitato dal {day}").format(day=day(member.disabled_at.date()))
    return _("attivo") if member.has_password else _("in attesa del codice")


def sent_text(access: StaffAccess) -> str:
    return _(
        "Codice per scegliere la password inviato a {email} (valido {minutes} minuti): "
        "{userid} lo usa con «Recupero credenziali» > «Ho già un codice»."
    ).format(email=access.member.email, minutes=access.minutes, userid=access.member.userid)


class OperatorsScreen(AdminScreen):
    CSS_PATH = "operators.tcss"
    SCREEN_TITLE = N_("Operatori")
    AUTO_FOCUS = "#staff"
    NEXT_ON_ENTER = frozenset({"new_userid", "nominativo", "email"})

    members: tuple[StaffMember, ...] = ()
    keys_of: str | None = None  # whose keys the keys' box shows
    keys: tuple[StaffKey, ...] = ()

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="staff", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="actions"):
            yield Button(_("Disabilita"), id="toggle", variant="warning")
            yield Button(_("Reimposta accesso"), id="reset")
            yield Button(_("Aggiungi"), id="add")
            yield Button(_("Indietro"), id="back")
        with Vertical(id="add-form", classes="box"):
            yield Static(_("Nuovo operatore"), classes="box-title")
            yield from field(_("Userid"), "new_userid", max_length=32)
            yield from field(_("Nome e cognome"), "nominativo", max_length=120)
            yield from field(_("E-mail"), "email", max_length=254)
            yield from field(_("Codice fiscale (facoltativo)"), "codice_fiscale", max_length=16)
            with RadioSet(id="role"):
                yield RadioButton(role_label(Role.OPERATOR), value=True, id="role-operator")
                yield RadioButton(role_label(Role.ADMIN), id="role-admin")
            yield Static(id="role-error", classes="field-error")
            with Horizontal(classes="actions"):
                yield Button(_("Crea e invia il codice"), id="create", variant="primary")
        with Vertical(id="keys-box", classes="box"):
            yield Static("", id="keys-title", classes="box-title")
            yield DataTable(id="keys", cursor_type="row", zebra_stripes=True)
            yield Static("", id="keys-empty", classes="hint")
            yield from field(
                _("Chiave pubblica"),
                "public_key",
                max_length=KEY_TEXT_MAX,
                placeholder=_("ssh-ed25519 AAAA… commento (la riga del file .pub)"),
            )
            with Horizontal(classes="actions"):
                yield Button(_("Aggiungi chiave"), id="key-add", variant="primary")
                yield Button(_("Rimuovi chiave"), id="key-remove", variant="warning")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#staff", DataTable)
        table.add_columns(_("Userid"), _("Nome"), _("Ruolo"), _("Stato"))
        self.query_one("#keys", DataTable).add_columns(_("Chiave SSH"), _("Aggiunta"))
        self.load()

    def link_restored(self) -> None:
        self.load()

    @on(Button.Pressed, "#back")
    def go_back(self) -> None:
        self.dismiss()

    @service_call
    async def load(self) -> None:
        self.show_members(await self.office.staff_members(self.operator))

    def show_members(self, members: tuple[StaffMember, ...], focus: str | None = None) -> None:
        self.members = members
        table = self.query_one("#staff", DataTable)
        previous = focus or (m.userid if (m := self.selected()) else None)
        table.clear()
        for member in members:
            table.add_row(
                literal(member.userid),
                literal(member.nominativo),
                role_label(member.role),
                state_text(member),
                key=member.userid,
            )
        if previous is not None and any(m.userid == previous for m in members):
            table.move_cursor(row=table.get_row_index(previous), animate=False)
        self.row_changed()

    def selected(self) -> StaffMember | None:
        table = self.query_one("#staff", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((m for m in self.members if m.userid == key), None)

    @on(DataTable.RowHighlighted, "#staff")
    def row_changed(self) -> None:
        member = self.selected()
        toggle = self.query_one("#toggle", Button)
        toggle.label = _("Riabilita") if member and not member.enabled else _("Disabilita")
        toggle.disabled = self.query_one("#reset", Button).disabled = member is None
        if member is None or member.userid != self.keys_of:
            self.show_keys(member.userid if member else None, ())
            if member is not None:
                self.load_keys(member.userid)

    # --- disable / enable, reset ------------------------------------------------------------

    @on(Button.Pressed, "#toggle")
    def toggle(self) -> None:
        member = self.selected()
        if member is None:
            return
        if not member.enabled:
            self.set_enabled(member.userid, True)
            return
        self.app.push_screen(
            ConfirmScreen(
                _("Disabilitare {userid}? Non potrà più accedere né agire.").format(
                    userid=member.userid
                ),
                yes=_("Sì, disabilita"),
                no=_("No"),
            ),
            lambda yes: self._confirmed(bool(yes), self.set_enabled, member.userid, False),
        )

    @staticmethod
    def _confirmed(yes: bool, then: Callable[..., object], *args: object) -> None:
        if yes:
            then(*args)

    def show_error(self, error: BaseException) -> None:
        """The new account's userid field is `new_userid` here (`userid` in the services)."""
        if isinstance(error, InvalidInput) and error.field == "userid":
            error = InvalidInput("new_userid", error.message)
        super().show_error(error)

    @service_call
    async def set_enabled(self, userid: str, enabled: bool) -> None:
        member = await self.office.staff_set_enabled(self.operator, userid, enabled)
        self.show_members(await self.office.staff_members(self.operator), focus=userid)
        self.say(
            (
                _("{userid} riabilitato.")
                if member.enabled
                else _("{userid} disabilitato: non può più accedere.")
            ).format(userid=member.userid),
            "success",
        )

    @on(Button.Pressed, "#reset")
    def reset(self) -> None:
        member = self.selected()
        if member is None:
            return
        self.app.push_screen(
            ConfirmScreen(
                _(
                    "Reimpostare l'accesso di {userid}? La password attuale non varrà più; "
                    "un codice per sceglierne una nuova andrà a {email}."
                ).format(userid=member.userid, email=member.email),
                yes=_("Sì, reimposta"),
                no=_("No"),
            ),
            lambda yes: self._confirmed(bool(yes), self.reset_access, member.userid),
        )

    @service_call
    async def reset_access(self, userid: str) -> None:
        access = await self.office.staff_reset(self.operator, userid)
        self.show_members(await self.office.staff_members(self.operator), focus=userid)
        self.say(sent_text(access), "success")

    # --- add ------------------------------------------------------------------------------

    @on(Button.Pressed, "#add")
    def open_form(self) -> None:
        self.query_one("#add-form").add_class("-open")
        self.focus_soon("#new_userid", reveal="#add-form")

    @on(Button.Pressed, "#create")
    def create(self) -> None:
        self.clear_errors()
        admin = self.query_one("#role-admin", RadioButton).value
        self.add_member(Role.ADMIN if admin else Role.OPERATOR)

    @service_call
    async def add_member(self, role: Role) -> None:
        access = await self.office.staff_add(
            self.operator,
            userid=self.value("new_userid"),
            nominativo=self.value("nominativo"),
            email=self.value("email"),
            role=role,
            codice_fiscale=self.value("codice_fiscale"),
        )
        for field_id in ADD_FIELDS:
            self.query_one(f"#{field_id}", Input).value = ""
        self.query_one("#add-form").remove_class("-open")
        self.show_members(await self.office.staff_members(self.operator), access.member.userid)
        self.say(sent_text(access), "success")
        self.focus_soon("#staff")

    # --- SSH keys of the selected operator ---------------------------------------------------

    @work(group="keys", exclusive=True, exit_on_error=False)
    async def load_keys(self, userid: str) -> None:
        """The keys of the operator just highlighted (their own group: moving along the list
        replaces the previous load, never an add or a removal running meanwhile)."""
        keys = await self.office.staff_keys(self.operator, userid)
        if userid == self.keys_of:
            self.show_keys(userid, keys)

    def show_keys(self, userid: str | None, keys: tuple[StaffKey, ...]) -> None:
        self.keys_of, self.keys = userid, keys
        title = self.query_one("#keys-title", Static)
        title.update(
            _("Chiavi SSH di {userid} (assistenza remota)").format(userid=userid) if userid else ""
        )
        table = self.query_one("#keys", DataTable)
        table.clear()
        for key in keys:
            table.add_row(*key_cells(key), key=key.fingerprint, height=2)
        table.display = bool(keys)
        empty = self.query_one("#keys-empty", Static)
        empty.display = not keys
        empty.update(
            _("Nessuna chiave SSH: {userid} non può collegarsi con pec-kiosk serve ssh.").format(
                userid=userid
            )
        )
        self.query_one("#keys-box").display = userid is not None
        self.query_one("#key-remove", Button).disabled = not keys

    def selected_key(self) -> StaffKey | None:
        table = self.query_one("#keys", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((k for k in self.keys if k.fingerprint == key), None)

    @on(Input.Submitted, "#public_key")
    @on(Button.Pressed, "#key-add")
    def key_add(self) -> None:
        self.clear_errors()
        if self.keys_of is None:
            return
        text = self.value("public_key").strip()
        if not text:
            self.show_field_errors(
                [InvalidInput("public_key", _("Incollare la riga della chiave pubblica (.pub)."))]
            )
            return
        self.add_key(self.keys_of, text)

    @service_call
    async def add_key(self, userid: str, text: str) -> None:
        added = await self.office.staff_key_add(self.operator, userid, text)
        self.query_one("#public_key", Input).value = ""
        self.show_keys(userid, await self.office.staff_keys(self.operator, userid))
        self.say(
            _("Chiave {fingerprint} aggiunta a {userid}.").format(
                fingerprint=added.fingerprint, userid=userid
            ),
            "success",
        )

    @on(Button.Pressed, "#key-remove")
    def key_remove(self) -> None:
        key = self.selected_key()
        if key is None:
            return
        self.app.push_screen(
            ConfirmScreen(
                _(
                    "Rimuovere la chiave {fingerprint} ({comment}) di {userid}? Non potrà più "
                    "collegarsi con quella chiave (le sessioni aperte restano aperte)."
                ).format(
                    fingerprint=key.fingerprint,
                    comment=key.comment or key.key_type,
                    userid=key.userid,
                ),
                yes=_("Sì, rimuovi"),
                no=_("No"),
            ),
            lambda yes: self._confirmed(bool(yes), self.remove_key, key.userid, key.fingerprint),
        )

    @service_call
    async def remove_key(self, userid: str, fingerprint: str) -> None:
        removed = await self.office.staff_key_remove(self.operator, userid, fingerprint)
        self.show_keys(userid, await self.office.staff_keys(self.operator, userid))
        self.say(
            _("Chiave {fingerprint} rimossa: {userid} non può più usarla.").format(
                fingerprint=removed.fingerprint, userid=userid
            ),
            "success",
        )
