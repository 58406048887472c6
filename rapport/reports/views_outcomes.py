"""The clinic outcomes dashboard and its CSV (issue 12 item 4); figures in outcomes_dashboard."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.core import audit
from rapport.core.access import second_factor_gate
from rapport.core.inputs import SaneDateField
from rapport.core.models import User
from rapport.ipt.catalogue import ProblemArea, Variant
from rapport.reports import outcomes_chart
from rapport.reports import outcomes_dashboard as figures

ANY = [("", gettext_lazy("Any"))]


class FiltersForm(forms.Form):
    start = SaneDateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = SaneDateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))
    therapist = forms.ChoiceField(label=gettext_lazy("Therapist"), required=False)
    problem_area = forms.ChoiceField(
        label=gettext_lazy("Primary problem area"),
        required=False,
        choices=ANY + list(ProblemArea.choices),
    )
    variant = forms.ChoiceField(
        label=gettext_lazy("Manual"), required=False, choices=ANY + list(Variant.choices)
    )
    age_group = forms.ChoiceField(
        label=gettext_lazy("Age group"),
        required=False,
        choices=ANY + [(key, label) for key, label, *_rest in figures.AGE_GROUPS],
    )
    breakdown = forms.ChoiceField(
        label=gettext_lazy("Break down by"), required=False, choices=figures.BREAKDOWNS
    )

    def __init__(self, data: Any, therapists: list[User], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.people = {str(person.public_id): person for person in therapists}
        self.fields["therapist"].choices = ANY + [
            (key, person.get_full_name() or person.username) for key, person in self.people.items()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date must be on or after the start date."))
        return data

    def filters(self) -> figures.Filters:
        data = self.cleaned_data
        person = self.people.get(data.get("therapist") or "")
        return figures.Filters(
            start=data["start"],
            end=data["end"],
            therapist=person.pk if person else None,
            problem_area=data.get("problem_area") or "",
            variant=data.get("variant") or "",
            age_group=data.get("age_group") or "",
            breakdown=data.get("breakdown") or "therapist",
        )


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last 12 months, up to and including today."""
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return year_ago + dt.timedelta(days=1), today


def _prepare(request: HttpRequest) -> tuple[str, FiltersForm, figures.Dashboard | None]:
    """The reader's scope, the bound filter form, and the figures when the filters are valid."""
    scope = figures.scope_of(request.user)
    if scope is None:
        raise PermissionDenied
    clients = figures.clients_in_scope(request.user, scope)
    names = figures.therapists_of(clients)
    people = list(User.objects.filter(pk__in=names).order_by("last_name", "first_name", "pk"))
    start, end = default_period(timezone.localdate(timezone=request.user.clinic.zone))
    data = {"start": start.isoformat(), "end": end.isoformat(), "breakdown": "therapist"}
    data |= {key: value for key, value in request.GET.items() if key in FiltersForm.base_fields}
    form = FiltersForm(data, people)
    if not form.is_valid():
        return scope, form, None
    return scope, form, figures.build(request.user, scope, form.filters(), names)


def _gate(request: HttpRequest) -> HttpResponse | None:
    return second_factor_gate(request)


def dashboard(request: HttpRequest) -> HttpResponse:
    """Admins: the whole clinic, de-identified. Clinicians: their own reach."""
    gate = _gate(request)
    if gate is not None:
        return gate
    scope, form, made = _prepare(request)
    audit.record(request, "reports.outcomes.viewed", object_type="outcomes")
    context = {
        "form": form,
        "made": made,
        "clinic_wide": scope == figures.CLINIC_WIDE,
        "chart": outcomes_chart.render(made) if made else "",
        "query": request.GET.urlencode(),
        "breakdown_label": dict(figures.BREAKDOWNS)[made.filters.breakdown] if made else "",
    }
    return render(request, "reports/outcomes.html", context)  # bad filters: the form says why


def export(request: HttpRequest) -> HttpResponse:
    """The same figures and breakdown as CSV: counts and rates, no client identifiers."""
    gate = _gate(request)
    if gate is not None:
        return gate
    _scope, form, made = _prepare(request)
    if made is None:
        return HttpResponse(
            "\n".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    audit.record(request, "reports.outcomes.exported", object_type="outcomes")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"outcomes-{made.filters.start.isoformat()}-to-{made.filters.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    write_csv(response, made)
    return response


COLUMNS = [
    ("started", gettext_lazy("Courses started")),
    ("finished", gettext_lazy("Courses finished")),
    ("dropped", gettext_lazy("Dropped out")),
    ("paired", gettext_lazy("Finished with paired scores")),
    ("at_caseness", gettext_lazy("At caseness at the start")),
    ("recovered", gettext_lazy("Recovered")),
    ("recovery_rate", gettext_lazy("Recovery rate (%)")),
    ("improved", gettext_lazy("Reliable improvement")),
    ("improvement_rate", gettext_lazy("Reliable improvement rate (%)")),
    ("reliably_recovered", gettext_lazy("Reliable recovery")),
    ("reliable_recovery_rate", gettext_lazy("Reliable recovery rate (%)")),
    ("deteriorated", gettext_lazy("Reliable deterioration")),
    ("deterioration_rate", gettext_lazy("Reliable deterioration rate (%)")),
    ("completeness", gettext_lazy("Data completeness (%)")),
]


def write_csv(out: Any, made: figures.Dashboard) -> None:
    writer = csv.writer(out)
    f = made.filters
    writer.writerow([_("Period"), f.start.isoformat(), f.end.isoformat()])
    writer.writerow([_("Consultation requests"), made.requests])
    for label, item in (
        (_("first contact"), made.to_contact),
        (_("first session"), made.to_session),
    ):
        writer.writerow(
            [
                _("Days from request to %(step)s") % {"step": label},
                _("requests"),
                item.count,
                _("median"),
                _blank(item.median),
                _("90th centile"),
                _blank(item.p90),
            ]
        )
    writer.writerow([])
    breakdown = dict(figures.BREAKDOWNS)[f.breakdown]
    writer.writerow([str(breakdown), *(str(label) for _key, label in COLUMNS)])
    for item in [*made.groups, made.total]:
        writer.writerow([item.label, *(_blank(getattr(item, key)) for key, _label in COLUMNS)])


def _blank(value: Any) -> Any:
    return "" if value is None else value
