"""HRSD-17 / HAM-D (measures.md §2.6): clinician-rated, public domain — item names and anchors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.measures.instruments import register
from rapport.measures.instruments.base import Band, Instrument, Item, Option


def _anchors(*labels: str) -> tuple[Option, ...]:
    return tuple(Option(value, label) for value, label in enumerate(labels))


ITEMS = (
    Item(
        "q1",
        _("Depressed mood (sadness, hopeless, helpless, worthless)"),
        _anchors(
            _("Absent"),
            _("These feeling states indicated only on questioning"),
            _("These feeling states spontaneously reported verbally"),
            _(
                "Communicates feeling states non-verbally, i.e. through facial expression, "
                "posture, voice and tendency to weep"
            ),
            _(
                "Patient reports virtually only these feeling states in spontaneous verbal and "
                "non-verbal communication"
            ),
        ),
    ),
    Item(
        "q2",
        _("Feelings of guilt"),
        _anchors(
            _("Absent"),
            _("Self-reproach, feels they have let people down"),
            _("Ideas of guilt or rumination over past errors or sinful deeds"),
            _("Present illness is a punishment; delusions of guilt"),
            _(
                "Hears accusatory or denunciatory voices and/or experiences threatening visual "
                "hallucinations"
            ),
        ),
    ),
    Item(
        "q3",
        _("Suicide"),
        _anchors(
            _("Absent"),
            _("Feels life is not worth living"),
            _("Wishes they were dead or any thoughts of possible death to self"),
            _("Ideas or gestures of suicide"),
            _("Attempts at suicide (any serious attempt rates 4)"),
        ),
    ),
    Item(
        "q4",
        _("Insomnia: early in the night"),
        _anchors(
            _("No difficulty falling asleep"),
            _("Complains of occasional difficulty falling asleep, i.e. more than ½ hour"),
            _("Complains of nightly difficulty falling asleep"),
        ),
    ),
    Item(
        "q5",
        _("Insomnia: middle of the night"),
        _anchors(
            _("No difficulty"),
            _("Complains of being restless and disturbed during the night"),
            _("Waking during the night – any getting out of bed rates 2 (except to void)"),
        ),
    ),
    Item(
        "q6",
        _("Insomnia: early hours of the morning"),
        _anchors(
            _("No difficulty"),
            _("Waking in early hours of the morning but goes back to sleep"),
            _("Unable to fall asleep again after getting out of bed"),
        ),
    ),
    Item(
        "q7",
        _("Work and activities"),
        _anchors(
            _("No difficulty"),
            _(
                "Thoughts and feelings of incapacity, fatigue or weakness related to activities, "
                "work or hobbies"
            ),
            _(
                "Loss of interest in activity, hobbies or work – reported directly or shown "
                "indirectly in listlessness, indecision and vacillation"
            ),
            _(
                "Decrease in actual time spent in activities or decrease in productivity (less "
                "than three hours a day in activities other than routine chores)"
            ),
            _(
                "Stopped working because of present illness; no activities except routine "
                "chores, or fails to perform routine chores unassisted"
            ),
        ),
    ),
    Item(
        "q8",
        _(
            "Retardation (slowness of thought and speech, impaired ability to concentrate, "
            "decreased motor activity)"
        ),
        _anchors(
            _("Normal speech and thought"),
            _("Slight retardation during the interview"),
            _("Obvious retardation during the interview"),
            _("Interview difficult"),
            _("Complete stupor"),
        ),
    ),
    Item(
        "q9",
        _("Agitation"),
        _anchors(
            _("None"),
            _("Fidgetiness"),
            _("Playing with hands, hair, etc."),
            _("Moving about, can't sit still"),
            _("Hand wringing, nail biting, hair-pulling, biting of lips"),
        ),
    ),
    Item(
        "q10",
        _("Anxiety: psychic"),
        _anchors(
            _("No difficulty"),
            _("Subjective tension and irritability"),
            _("Worrying about minor matters"),
            _("Apprehensive attitude apparent in face or speech"),
            _("Fears expressed without questioning"),
        ),
    ),
    Item(
        "q11",
        _(
            "Anxiety: somatic (physiological concomitants of anxiety, e.g. dry mouth, "
            "indigestion, palpitations, headaches, hyperventilation, urinary frequency, sweating)"
        ),
        _anchors(_("Absent"), _("Mild"), _("Moderate"), _("Severe"), _("Incapacitating")),
    ),
    Item(
        "q12",
        _("Somatic symptoms: gastro-intestinal"),
        _anchors(
            _("None"),
            _("Loss of appetite but eating without encouragement; heavy feelings in abdomen"),
            _(
                "Difficulty eating without urging; requests or requires laxatives or medication "
                "for bowels or gastro-intestinal symptoms"
            ),
        ),
    ),
    Item(
        "q13",
        _("General somatic symptoms"),
        _anchors(
            _("None"),
            _(
                "Heaviness in limbs, back or head; backaches, headaches, muscle aches; loss of "
                "energy and fatigability"
            ),
            _("Any clear-cut symptom rates 2"),
        ),
    ),
    Item(
        "q14",
        _("Genital symptoms (such as loss of libido, menstrual disturbances)"),
        _anchors(_("Absent"), _("Mild"), _("Severe")),
    ),
    Item(
        "q15",
        _("Hypochondriasis"),
        _anchors(
            _("Not present"),
            _("Self-absorption (bodily)"),
            _("Preoccupation with health"),
            _("Frequent complaints, requests for help, etc."),
            _("Hypochondriacal delusions"),
        ),
    ),
    Item(
        "q16",
        _("Loss of weight (by history, or by weekly measurement)"),
        _anchors(
            _("No weight loss (or less than 1 lb in the week)"),
            _(
                "Probable weight loss associated with present illness "
                "(or more than 1 lb in the week)"
            ),
            _("Definite weight loss according to the patient (or more than 2 lb in the week)"),
        ),
    ),
    Item(
        "q17",
        _("Insight"),
        _anchors(
            _("Acknowledges being depressed and ill"),
            _(
                "Acknowledges illness but attributes cause to bad food, climate, overwork, "
                "virus, need for rest, etc."
            ),
            _("Denies being ill at all"),
        ),
    ),
)

# §2.6 Zimmerman et al. 2013, as commonly tabulated: the default convention.
ZIMMERMAN = (
    Band(0, 7, _("no depression")),
    Band(8, 16, _("mild")),
    Band(17, 23, _("moderate")),
    Band(24, 52, _("severe")),
)

# §2.6 CamCOPS / cnsforum convention, selectable per clinic (thresholds "band_set").
CAMCOPS = (
    Band(0, 7, _("none")),
    Band(8, 13, _("mild")),
    Band(14, 18, _("moderate")),
    Band(19, 22, _("severe")),
    Band(23, 52, _("very severe")),
)

HRSD17 = register(
    Instrument(
        code="hrsd17",
        version="1",
        title=_("Hamilton Rating Scale for Depression, 17-item (HRSD-17)"),
        short_title=_("HRSD-17"),
        instructions=_(
            "Clinician-rated after a clinical interview (a structured guide such as the SIGH-D "
            "improves reliability). Rate each item on the anchor that best fits the past week."
        ),
        items=ITEMS,
        bands=ZIMMERMAN,
        clinician_rated=True,
        licence_note=_("Public domain (NINDS Common Data Elements)."),
        # LOINC codes not found (§2.1 [VERIFY]).
        remission_at_most=7,  # §2.6: remission ≤7
        extra={
            "scoring": _("Sum of items 1–17 (0–52)."),
            "band_sets": {"zimmerman": ZIMMERMAN, "camcops": CAMCOPS},
            "default_band_set": "zimmerman",
        },
    )
)
