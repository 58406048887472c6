"""Neutral default text for the public site, written by us; each clinic rewrites it.

Facts follow the clinical specification (ipt-protocol.md): 12–16 weekly sessions of 45–50
minutes (§4.1, ISIPT), three phases (§1.2), the four problem areas in the WHO
Group IPT plain-language names (§1.4), IPT-A for ages 12–18 (§1.8), combination
with medication for more severe or recurrent depression (§4.2).

Bodies are plain text: paragraphs separated by a blank line, lines starting
with "- " form a list. The first paragraph is the page's summary on the home page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class DefaultPage:
    slug: str
    title: str
    body: str


DEFAULT_PAGES: tuple[DefaultPage, ...] = (
    DefaultPage(
        "what-is-ipt",
        _("What is Interpersonal Psychotherapy?"),
        _(
            "Interpersonal Psychotherapy (IPT) is a short, structured talking treatment "
            "for depression. It links how you feel to what is happening in your "
            "relationships and your life, and helps you change the situations that keep "
            "low mood going.\n\n"
            "Depression is treated as a common, treatable illness, not a personal "
            "failing. You and your therapist agree on one main area to work on, and a "
            "fixed number of sessions from the start.\n\n"
            "How IPT differs from other therapies:\n\n"
            "- Cognitive behavioural therapy (CBT) works mainly on patterns of thinking "
            "and behaviour, often with homework exercises. IPT works mainly on your "
            "relationships and the events of your life, and needs no formal homework.\n"
            "- Psychodynamic therapy often explores the past and early relationships, "
            "usually over a longer, open-ended time. IPT focuses on the present and "
            "keeps to an agreed, limited number of sessions."
        ),
    ),
    DefaultPage(
        "how-it-works",
        _("How IPT works"),
        _(
            "IPT has three phases, and usually focuses on one problem area at a time.\n\n"
            "The three phases:\n\n"
            "- Beginning (usually the first one to three sessions): you talk about your "
            "symptoms and the important people in your life, and agree together on the "
            "focus and the number of sessions.\n"
            "- Middle: most of the work, on the area you chose, with a check on how your "
            "mood has changed since the last session.\n"
            "- Ending (the last few sessions): you look back at what has changed, plan "
            "for the future, recognise early warning signs, and decide whether further "
            "sessions would help.\n\n"
            "The four problem areas, in plain words:\n\n"
            "- Grief: low mood after the death of someone close to you.\n"
            "- Disputes: a conflict or disagreement with someone who matters to you, "
            "such as a partner, parent, child or colleague.\n"
            "- Life changes: a move, a new job or the loss of one, a new baby, a "
            "separation, an illness or retirement; even a welcome change can be hard.\n"
            "- Loneliness and isolation: having few close relationships, or finding it "
            "hard to make or keep them."
        ),
    ),
    DefaultPage(
        "who-it-helps",
        _("Who IPT can help"),
        _(
            "IPT was developed for adults with depression, and has been adapted for "
            "adolescents aged 12 to 18, for older adults, and for people before and "
            "after the birth of a child.\n\n"
            "It may suit you if your low mood is linked to:\n\n"
            "- conflicts with people close to you;\n"
            "- a change in your life that has been hard to adjust to;\n"
            "- grief after a death;\n"
            "- feeling isolated or alone.\n\n"
            "At the first consultation we talk about what is going on and whether IPT, "
            "or something else, is the right help for you."
        ),
    ),
    DefaultPage(
        "what-to-expect",
        _("What to expect"),
        _(
            "A course of IPT is usually 12 to 16 weekly sessions of about 45 to 50 "
            "minutes. For more severe depression a course may be longer, or followed by "
            "less frequent maintenance sessions.\n\n"
            "IPT can be used on its own or together with antidepressant medication; for "
            "more severe or recurring depression the combination is often recommended. "
            "Your therapist can talk this through with you and your doctor.\n\n"
            "You may be asked to fill in a short questionnaire about your mood now and "
            "then, so that you and your therapist can see how things are changing."
        ),
    ),
    DefaultPage(
        "faq",
        _("Questions people often ask"),
        _(
            "Here are answers to the questions we hear most.\n\n"
            "How do I start? Send us a consultation request. We will contact you in the "
            "way you choose to arrange a first conversation.\n\n"
            "Is what I tell you confidential? Yes. What you share is kept confidential "
            "and stored securely, within the limits the law sets to keep people safe.\n\n"
            "Do I need a referral? Usually not. If your insurance or health service needs "
            "one, we can tell you at the first consultation.\n\n"
            "Can I bring someone with me? For adolescents a parent or carer takes part in "
            "some sessions. Adults can talk about this with their therapist.\n\n"
            "What if I need help urgently? This website and its forms are not monitored "
            "around the clock. If you are in crisis, use the numbers at the bottom of "
            "every page."
        ),
    ),
    DefaultPage(
        "contact",
        _("Contact and practical details"),
        _(
            "Our address, opening hours, fees and how to reach us are set out here by the "
            "practice.\n\n"
            "To arrange a first consultation, use the consultation request form. We reply "
            "within a few working days, by the channel you choose."
        ),
    ),
)


@dataclass(frozen=True)
class Block:
    """A paragraph (``items`` empty) or a bulleted list, rendered escaped by the template."""

    text: str = ""
    items: tuple[str, ...] = ()


def blocks(body: str) -> list[Block]:
    """Split a page's plain text into paragraphs and "- " lists (no markup is trusted)."""
    found = []
    for chunk in body.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            found.append(Block(items=tuple(line[2:].strip() for line in lines)))
        else:
            found.append(Block(text=" ".join(lines)))
    return found


def summary(body: str) -> str:
    first = next((block for block in blocks(body) if block.text), None)
    return first.text if first else ""
