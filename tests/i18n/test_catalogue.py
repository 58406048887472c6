"""The Spanish catalogue covers every client-facing string, and the compiled file matches it.

A msgid used by a portal page, the public site, a questionnaire link, the reminder reply
page or an e-mail to a client (tests/i18n/client_facing.py) must have a Spanish
translation that is not fuzzy; the committed .mo must give the same text, so no build
step is needed.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import translation

from tests.i18n.client_facing import is_client_facing
from tests.i18n.po import Entry, read

CATALOGUE = Path(settings.BASE_DIR) / "rapport" / "locale" / "es" / "LC_MESSAGES" / "django.po"


def _client_facing() -> list[Entry]:
    entries = [entry for entry in read(CATALOGUE) if entry.msgid and not entry.obsolete]
    return [entry for entry in entries if any(is_client_facing(p) for p in entry.paths)]


def test_it_translates_every_string_a_client_reads() -> None:
    entries = _client_facing()
    assert len(entries) > 250  # the portal, public pages, questionnaires and e-mails
    missing = [
        f"{entry.msgid!r} ({', '.join(sorted(entry.paths))})"
        for entry in entries
        if not entry.translated
    ]
    assert not missing, "Untranslated or fuzzy client-facing strings:\n" + "\n".join(missing)


def test_the_compiled_catalogue_gives_the_same_spanish() -> None:
    stale = []
    with translation.override("es"):
        for entry in _client_facing():
            if entry.msgctxt is not None:
                got = translation.pgettext(entry.msgctxt, entry.msgid)
                wanted = entry.msgstr[0]
            elif entry.msgid_plural:
                got = translation.ngettext(entry.msgid, entry.msgid_plural, 5)
                wanted = entry.msgstr[2]
            else:
                got, wanted = translation.gettext(entry.msgid), entry.msgstr[0]
            if got != wanted:
                stale.append(entry.msgid)
    assert not stale, "Recompile the catalogue (msgfmt): " + ", ".join(stale[:10])


def test_it_leaves_questionnaire_wording_to_the_official_translations() -> None:
    # Instrument text is never translated by the catalogue: only published wordings
    # (rapport/measures/instruments/spanish.py) are shown, so nobody drifts from them.
    wording = [
        entry.msgid
        for entry in read(CATALOGUE)
        if entry.translated
        and entry.paths
        and all(p.startswith("rapport/measures/instruments/") for p in entry.paths)
    ]
    assert wording == []
