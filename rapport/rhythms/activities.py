"""The Social Rhythm Metric's activities and answer scales (variants.md §4.4, §4.7).

A platform-native diary (§4.4 licence): the activity names come from the journal
publications (Monk et al. 1990, 2002; the Carnegie Mellon list), never the layout or
instructions of the book's SRM-II form. SRM-5 is the default; a therapist may add the
other listed activities of the SRM-17 and up to two the client chooses.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Activity(models.TextChoices):
    # §4.4 SRM-5 (Monk, Frank, Potts & Kupfer 2002), in the day's order.
    OUT_OF_BED = "out_of_bed", _("Get out of bed")
    FIRST_CONTACT = "first_contact", _("First contact with another person")
    MORNING_DRINK = "morning_drink", _("Morning drink (coffee, tea…)")
    BREAKFAST = "breakfast", _("Breakfast")
    FIRST_OUTDOORS = "first_outdoors", _("First time outdoors")
    START_WORK = "start_work", _("Start work, housework, volunteering or child care")
    LUNCH = "lunch", _("Lunch")
    AFTERNOON_SNACK = "afternoon_snack", _("Afternoon snack")
    NAP = "nap", _("Nap")
    DINNER = "dinner", _("Dinner")
    EXERCISE = "exercise", _("Exercise")
    EVENING_SNACK = "evening_snack", _("Evening snack")
    EVENING_NEWS = "evening_news", _("Evening TV news")
    HOME_FOR_NIGHT = "home_for_night", _("Back home for the night")
    BEDTIME = "bedtime", _("Go to bed")
    # The SRM-17's two activities the client chooses (their names are encrypted).
    OWN_1 = "own_1", _("An activity of your own")
    OWN_2 = "own_2", _("A second activity of your own")


# §4.4: "(1) get out of bed, (2) first contact with another person, (3) start work,
# housework or volunteer activities, (4) have dinner, (5) go to bed".
SRM5 = (
    Activity.OUT_OF_BED,
    Activity.FIRST_CONTACT,
    Activity.START_WORK,
    Activity.DINNER,
    Activity.BEDTIME,
)
# §4.4 SRM-17: 15 listed activities + 2 the client chooses [VERIFY exact list].
SRM17 = tuple(Activity)
OWN = (Activity.OWN_1, Activity.OWN_2)
ORDER = {code: index for index, code in enumerate(Activity.values)}


class Engagement(models.IntegerChoices):
    """§4.4 SRM-II: how engaged the others were [GK/VERIFY]."""

    ALONE = 0, _("Alone")
    PRESENT = 1, _("Others present")
    INVOLVED = 2, _("Others actively involved")
    STIMULATING = 3, _("Others very stimulating")


class Person(models.TextChoices):
    """§4.4: who was involved (the Carnegie Mellon adapted SRM)."""

    PARTNER = "partner", _("Spouse or partner")
    CHILDREN = "children", _("Children")
    PARENTS = "parents", _("Parents")
    FRIENDS = "friends", _("Friends")
    OTHER = "other", _("Someone else")


class Medication(models.TextChoices):
    """§4.4: medication taken that day (yes/partial/no)."""

    YES = "yes", _("Yes, all of it")
    PARTIAL = "partial", _("Some of it")
    NO = "no", _("No")


# §4.4 daily mood: -5 (severely depressed) … 0 (euthymic) … +5 (severely elevated)
# [GK/VERIFY scale in Frank 2005].
MOOD_LOWEST, MOOD_HIGHEST = -5, 5
