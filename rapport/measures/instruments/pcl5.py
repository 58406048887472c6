"""PCL-5 (variants.md §6.3): public domain, full wording; clusters and the DSM-5 rule.

Wording as published by the National Center for PTSD (a US Government work, not
copyrighted), in the text CamCOPS ships (``server/camcops_server/extra_strings/pcl5.xml``),
which §6.3 cites for the licence.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.measures.instruments import register
from rapport.measures.instruments.base import Band, Instrument, Item, Licence, Option

# §6.3: 0 "not at all" … 4 "extremely".
BOTHERED = (
    Option(0, _("Not at all")),
    Option(1, _("A little bit")),
    Option(2, _("Moderately")),
    Option(3, _("Quite a bit")),
    Option(4, _("Extremely")),
)

# §6.3 clusters: B items 1–5, C 6–7, D 8–14, E 15–20.
WORDING = (
    ("B", _("Repeated, disturbing, and unwanted memories of the stressful experience?")),
    ("B", _("Repeated, disturbing dreams of the stressful experience?")),
    (
        "B",
        _(
            "Suddenly feeling or acting as if the stressful experience were actually happening "
            "again (as if you were actually back there reliving it)?"
        ),
    ),
    ("B", _("Feeling very upset when something reminded you of the stressful experience?")),
    (
        "B",
        _(
            "Having strong physical reactions when something reminded you of the stressful "
            "experience (for example, heart pounding, trouble breathing, sweating)?"
        ),
    ),
    ("C", _("Avoiding memories, thoughts, or feelings related to the stressful experience?")),
    (
        "C",
        _(
            "Avoiding external reminders of the stressful experience (for example, people, "
            "places, conversations, activities, objects, or situations)?"
        ),
    ),
    ("D", _("Trouble remembering important parts of the stressful experience?")),
    (
        "D",
        _(
            "Having strong negative beliefs about yourself, other people, or the world (for "
            "example, having thoughts such as: I am bad, there is something seriously wrong "
            "with me, no one can be trusted, the world is completely dangerous)?"
        ),
    ),
    (
        "D",
        _(
            "Blaming yourself or someone else for the stressful experience or what happened "
            "after it?"
        ),
    ),
    ("D", _("Having strong negative feelings such as fear, horror, anger, guilt, or shame?")),
    ("D", _("Loss of interest in activities that you used to enjoy?")),
    ("D", _("Feeling distant or cut off from other people?")),
    (
        "D",
        _(
            "Trouble experiencing positive feelings (for example, being unable to feel happiness "
            "or have loving feelings for people close to you)?"
        ),
    ),
    ("E", _("Irritable behavior, angry outbursts, or acting aggressively?")),
    ("E", _("Taking too many risks or doing things that could cause you harm?")),
    ("E", _("Being “superalert” or watchful or on guard?")),
    ("E", _("Feeling jumpy or easily startled?")),
    ("E", _("Having difficulty concentrating?")),
    ("E", _("Trouble falling or staying asleep?")),
)

CUT_OFF = 33  # §6.3: default 33, configurable 31–33

PCL5 = register(
    Instrument(
        code="pcl5",
        version="1",
        title=_("PTSD Checklist for DSM-5 (PCL-5)"),
        short_title=_("PCL-5"),
        instructions=_(
            "Below is a list of problems that people sometimes have in response to a very "
            "stressful experience. Keeping your worst event in mind, please indicate how much "
            "you have been bothered by that problem in the past month. "
            "In the past month, how much were you bothered by:"
        ),
        recall=_("past month"),
        items=tuple(
            Item(f"q{number}", text, BOTHERED, subscale=cluster)
            for number, (cluster, text) in enumerate(WORDING, start=1)
        ),
        # §6.3: "no empirically derived severity bands": only the provisional cut-off.
        bands=(
            Band(0, CUT_OFF - 1, _("below the cut-off")),
            Band(CUT_OFF, 80, _("provisional PTSD")),
        ),
        licence=Licence.PUBLIC,
        licence_note=_(
            "Public domain: a US Government work of the National Center for PTSD, not "
            "copyrighted; the wording may be reproduced. LOINC code not confirmed [VERIFY]."
        ),
        min_age=18,
        caseness=CUT_OFF,
        # §6.3: ≥5 points = minimum response, ≥10 = clinically meaningful change.
        reliable_change=10,
        extra={
            "scoring": _(
                "Sum of items 1–20 (0–80); clusters B 1–5, C 6–7, D 8–14, E 15–20. "
                "Provisional PTSD at 33 or more (31–33 in use), or by the DSM-5 rule."
            ),
            # §6.3 DSM-5 rule: items rated ≥2 count; ≥1 B, ≥1 C, ≥2 D, ≥2 E.
            "cluster_rule": {
                "item_minimum": 2,
                "clusters": {"B": 1, "C": 1, "D": 2, "E": 2},
                "label": _("DSM-5 symptom rule met"),
            },
            "minimum_response": 5,
            "cut_off_range": (31, 33),
        },
    )
)
