"""Which cases a member of staff may see, by the unit and role they act in.

Enforced in queries: every page and endpoint that reads a case starts from
visible_cases(), so a case outside it is simply not found (404).

- The city petition bureau and the city efficiency office: every case.
- A district efficiency office: cases in which any unit of its district
  took part.
- Any other unit (service center, district bureau, handling units, general
  offices): cases in which that unit took part (hotline.cases.models.Involvement).

The service center's agents also read the progress of every case
(progress_cases), to answer a caller asking about one (issue 15).
"""

from django.db.models import Exists, OuterRef

from hotline.organisation.models import Role, Unit

from .models import Case, Involvement

CITY_WIDE_KINDS = (Unit.Kind.PETITION_BUREAU, Unit.Kind.EFFICIENCY_OFFICE)


def visible_cases(unit: Unit, role: str):
    if unit.level == Unit.Level.CITY and unit.kind in CITY_WIDE_KINDS:
        return Case.objects.all()
    if role == Role.SUPERVISOR:
        involved = Involvement.objects.filter(case=OuterRef("pk"), unit__district=unit.district_id)
    else:
        involved = Involvement.objects.filter(case=OuterRef("pk"), unit=unit)
    return Case.objects.filter(Exists(involved))


def progress_cases(unit: Unit, role: str):
    """The cases whose progress (hotline.cases.progress) the acting role may
    read: for the service center's agents every case, web cases too, since
    any requester may call about theirs; for anyone else what they see."""
    if role == Role.AGENT and unit.kind == Unit.Kind.SERVICE_CENTER:
        return Case.objects.all()
    return visible_cases(unit, role)
