"""The notice's problems (hotline.calendar.notice) in the user's language."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from .notice import Problem

FESTIVAL_LABELS = {
    "new_year": gettext_lazy("New Year's Day"),
    "spring_festival": gettext_lazy("Spring Festival"),
    "qingming": gettext_lazy("Qingming Festival"),
    "labour_day": gettext_lazy("Labour Day"),
    "dragon_boat": gettext_lazy("Dragon Boat Festival"),
    "mid_autumn": gettext_lazy("Mid-Autumn Festival"),
    "national_day": gettext_lazy("National Day"),
}


def _day(d):
    # The notice's own way of writing a day: 2月15日, not 02月15日.
    return date_format(d, pgettext("a day in the holiday notice", "F j"))


def describe(problem: Problem) -> str:
    """A problem of the notice in the user's words."""
    p = problem.params
    if "date" in p:
        p = {**p, "date": _day(p["date"])}
    if "festival" in p:
        p = {**p, "festival": FESTIVAL_LABELS[p["festival"]]}
    texts = {
        "unreadable_date": _("“%(text)s” is not a date."),
        "range_backwards": _("“%(text)s” ends before it starts."),
        "range_too_long": _("“%(text)s” is longer than any holiday: check the months."),
        "unknown_festival": _("“%(name)s” is not one of the statutory festivals."),
        "nothing_found": _(
            "No festival was found. Write each as the notice does, e.g. "
            "“二、春节：2月15日至23日放假调休，共9天。2月14日（周六）上班。”"
        ),
        "outside_year": _("%(date)s is not in the year being entered."),
        "workday_on_weekday": _(
            "%(date)s is a weekday: a make-up working day must be a Saturday or a Sunday."
        ),
        "workday_also_off": _("%(date)s is given both as a day off and as a working day."),
        "festival_missing": _("%(festival)s is missing: every statutory festival must be given."),
        "festival_day_not_off": _(
            "%(date)s is a statutory holiday of %(festival)s but is not among the days off."
        ),
        "total_mismatch": _(
            "%(title)s: the notice says %(stated)s days, but its dates give %(counted)s."
        ),
        "working_days_count": _(
            "This year would have %(count)s working days; published years have had "
            "%(low)s to %(high)s. Check that no festival is missing or doubled."
        ),
        "ignored_sentence": _("This sentence was not understood and is left out: “%(text)s”"),
    }
    return texts[problem.code] % p
