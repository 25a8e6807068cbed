"""Click's own messages (usage errors, help headings) in Italian.

Click translates its messages through `gettext`, which needs compiled catalogues on disk and a
process-wide locale. The CLI speaks Italian whatever the machine's locale, so instead the `_` and
`ngettext` that click's modules imported are pointed at this small catalogue; anything missing
stays in click's English.
"""

from __future__ import annotations

import importlib

import click

from kiosk.i18n import get_language

MESSAGES = {
    "Usage:": "Uso:",
    "Options": "Opzioni",
    "Commands": "Comandi",
    "Positional arguments": "Argomenti",
    "Error: {message}": "Errore: {message}",
    "Try '{command} {option}' for help.": "Usare '{command} {option}' per l'aiuto.",
    "Show this message and exit.": "Mostra questo aiuto ed esce.",
    "Show the version and exit.": "Mostra la versione ed esce.",
    "Aborted!": "Interrotto.",
    "Missing argument": "Argomento mancante",
    "Missing option": "Opzione mancante",
    "Missing parameter": "Parametro mancante",
    "Missing {param_type}": "{param_type} mancante",
    "Missing parameter: {param_name}": "Parametro mancante: {param_name}",
    "Missing command.": "Comando mancante.",
    "No such command {name!r}.": "Comando inesistente: {name!r}.",
    "No such option {name!r}.": "Opzione inesistente: {name!r}.",
    "Option {name!r} does not take a value.": "L'opzione {name!r} non accetta valori.",
    "Invalid value for {param_hint}: {message}": "Valore non valido per {param_hint}: {message}",
    "Invalid value: {message}": "Valore non valido: {message}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} inesistente.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} è una cartella.",
    "{name} {filename!r} is a file.": "{name} {filename!r} è un file.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} non leggibile.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} non scrivibile.",
    "Could not open file {filename!r}: {message}": "Impossibile aprire {filename!r}: {message}",
    "file": "file",
    "directory": "cartella",
    "path": "percorso",
    "{value!r} is not a valid {number_type}.": "{value!r} non è un {number_type} valido.",
    "{value} is not in the range {range}.": "{value} non è nell'intervallo {range}.",
    "Error: The two entered values do not match.": "Errore: i due valori non coincidono.",
    "Repeat for confirmation": "Ripetere per conferma",
    "default: {default}": "predefinito: {default}",
    "env var: {var}": "variabile d'ambiente: {var}",
    "required": "obbligatorio",
    "%(prog)s, version %(version)s": "%(prog)s, versione %(version)s",
}
PLURALS = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "Argomento in più non previsto ({args})",
        "Argomenti in più non previsti ({args})",
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "L'opzione {name!r} richiede un valore.",
        "L'opzione {name!r} richiede {nargs} valori.",
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} non è {choice}.",
        "{value!r} non è tra {choices}.",
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "Forse si intendeva {possibility}?",
        "(Forse si intendeva uno tra: {possibilities}?)",
    ),
}
_MODULES = ("core", "exceptions", "types", "parser", "decorators", "formatting", "termui", "utils")


def gettext(message: str) -> str:
    if get_language() != "it":
        return message
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if get_language() == "it" and (singular, plural) in PLURALS:
        one, many = PLURALS[(singular, plural)]
        return one if n == 1 else many
    return singular if n == 1 else plural


# what click writes in usage lines without asking gettext: the placeholders and the type names
USAGE_PIECES = {
    "[OPTIONS]": "[OPZIONI]",
    "COMMAND [ARGS]...": "COMANDO [ARGOMENTI]...",
    "[COMMAND] [ARGS]...": "[COMANDO] [ARGOMENTI]...",
}
TYPE_NAMES = {
    "StringParamType": "testo",
    "IntParamType": "intero",
    "IntRange": "intero",
    "FloatParamType": "numero",
    "Path": "percorso",
}


def install() -> None:
    """Point click's message functions at this catalogue (idempotent), and give its usage
    placeholders and type names Italian words."""
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
    for type_name, word in TYPE_NAMES.items():
        getattr(click.types, type_name).name = word
    for cls in (click.Command, click.Group):
        _italian_usage(cls)


def _italian_usage(cls: type[click.Command]) -> None:
    collect = cls.__dict__["collect_usage_pieces"]
    if getattr(collect, "_italian", False):
        return

    def collect_usage_pieces(self: click.Command, ctx: click.Context) -> list[str]:
        pieces: list[str] = collect(self, ctx)
        if get_language() != "it":
            return pieces
        return [USAGE_PIECES.get(piece, piece) for piece in pieces]

    collect_usage_pieces._italian = True  # type: ignore[attr-defined]
    cls.collect_usage_pieces = collect_usage_pieces  # type: ignore[method-assign]
