"""SMFQ, the Short Mood and Feelings Questionnaire, child and parent versions
(Angold, Costello et al. 1995; variants.md §2.3).

13 items each, 2-week recall, not true = 0, sometimes = 1, true = 2, total 0–26,
higher = more depressed (PhenX protocol 121702). Free for clinical use with citation
(Duke), but embedding the wording in a distributed product is not addressed [VERIFY
with Duke]; there is no official cut-off: Rapport flags 12 or more (§2.3, [VERIFY]).
The SMFQ has no suicidality item, so it never starts the safety workflow: FB-IPT pairs
it with a suicidality check every session (§2.3).

The child version carries its wording. The parent version's items are named by their
topic: its exact wording was not confirmed, so the parent reads the Duke parent form
and the answer values are entered here.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.measures.instruments import register
from rapport.measures.instruments.base import Band, Instrument, Item, Licence, Option

# §2.3: not true = 0, sometimes = 1, true = 2 (one catalogue reverses these: wrong).
TRUE_SCALE = (
    Option(0, _("Not true")),
    Option(1, _("Sometimes")),
    Option(2, _("True")),
)

# §2.3: "There are no prescribed cut points"; 12 or more is the configurable default flag.
FLAG_FROM = 12
SMFQ_BANDS = (
    Band(0, FLAG_FROM - 1, _("below 12 (no official cut-off)")),
    Band(FLAG_FROM, 26, _("12 or more (no official cut-off)")),
)

CUT_OFF_NOTE = _(
    "No official cut-off: Rapport flags 12 or more; 8 or more is also used on the child "
    "version [VERIFY]. The SMFQ has no suicidality item: check suicidality every session."
)

CHILD_ITEMS = (
    _("I felt miserable or unhappy."),
    _("I didn't enjoy anything at all."),
    _("I felt so tired I just sat around and did nothing."),
    _("I was very restless."),
    _("I felt I was no good any more."),
    _("I cried a lot."),
    _("I found it hard to think properly or concentrate."),
    _("I hated myself."),
    _("I was a bad person."),
    _("I felt lonely."),
    _("I thought nobody really loved me."),
    _("I thought I could never be as good as other kids."),
    _("I did everything wrong."),
)

PARENT_TOPICS = (
    _("Miserable or unhappy"),
    _("Did not enjoy anything at all"),
    _("So tired they just sat around and did nothing"),
    _("Very restless"),
    _("Felt they were no good any more"),
    _("Cried a lot"),
    _("Found it hard to think properly or concentrate"),
    _("Hated themselves"),
    _("Felt they were a bad person"),
    _("Felt lonely"),
    _("Thought nobody really loved them"),
    _("Thought they could never be as good as other children"),
    _("Felt they did everything wrong"),
)


def _items(texts: tuple) -> tuple[Item, ...]:
    return tuple(Item(f"q{n}", text, TRUE_SCALE) for n, text in enumerate(texts, start=1))


SMFQ_C = register(
    Instrument(
        code="smfq_c",
        version="1",
        title=_("Short Mood and Feelings Questionnaire, child version (SMFQ)"),
        short_title=_("SMFQ (child)"),
        instructions=_(
            "This form is about how you might have been feeling or acting recently. For "
            "each question, choose how you have been feeling or acting in the past two "
            "weeks: not true, sometimes, or true."
        ),
        recall=_("past 2 weeks"),
        items=_items(CHILD_ITEMS),
        bands=SMFQ_BANDS,
        licence=Licence.VERIFY,
        licence_note=_(
            "Free for clinical use with citation (Angold, Costello et al. 1995; Duke "
            "Developmental Epidemiology). Permission to embed the wording in software is to "
            "be confirmed with Duke [VERIFY]. "
        )
        + CUT_OFF_NOTE,
        caseness=FLAG_FROM,
        extra={"respondent": "client", "cut_off_note": CUT_OFF_NOTE},
    )
)

SMFQ_P = register(
    Instrument(
        code="smfq_p",
        version="1",
        title=_("Short Mood and Feelings Questionnaire, parent version (SMFQ-P)"),
        short_title=_("SMFQ (parent)"),
        instructions=_(
            "Answered by the parent about their child, for the past two weeks: not true, "
            "sometimes, or true. Read each item from the parent form."
        ),
        recall=_("past 2 weeks"),
        items=_items(PARENT_TOPICS),
        bands=SMFQ_BANDS,
        licence=Licence.VERIFY,
        licence_note=_(
            "The parent form's wording is not shipped: the items show their topic; the "
            "parent answers the Duke parent form and the values are entered here [VERIFY "
            "the wording and the permission to embed it with Duke]. "
        )
        + CUT_OFF_NOTE,
        caseness=FLAG_FROM,
        # Answered by a parent or caregiver, not the client: who answered is recorded
        # with the response (rapport.ipt ResponseRespondent).
        extra={"respondent": "parent", "cut_off_note": CUT_OFF_NOTE},
    )
)
