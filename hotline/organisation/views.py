"""The responsibility roster, readable by all staff (R10)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from .models import ROSTER_ROLES, District, RoleGrant, Unit


def _roster_prefetch():
    return Prefetch(
        "role_grants",
        queryset=RoleGrant.objects.filter(role__in=ROSTER_ROLES).select_related("user"),
        to_attr="roster",
    )


@login_required
def unit_list(request):
    units = Unit.objects.filter(is_active=True).prefetch_related(_roster_prefetch())
    city = [u for u in units if u.level == Unit.Level.CITY]
    districts = []
    for district in District.objects.all():
        districts.append((district, [u for u in units if u.district_id == district.pk]))
    return render(request, "organisation/unit_list.html", {"city": city, "districts": districts})


@login_required
def unit_detail(request, pk):
    unit = get_object_or_404(
        Unit.objects.select_related("parent", "district").prefetch_related(_roster_prefetch()),
        pk=pk,
    )
    changes = unit.roster_changes.select_related("person", "changed_by")[:200]
    return render(request, "organisation/unit_detail.html", {"unit": unit, "changes": changes})
