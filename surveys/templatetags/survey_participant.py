"""The participant's surveys on other apps' pages ("Your programs"), without those views knowing
about surveys: {% load survey_participant %}{% surveys_to_answer person %}."""

from django import template

from ..selectors.surveys import open_waves_for

register = template.Library()


@register.inclusion_tag("surveys/answer_due.html", takes_context=True)
def surveys_to_answer(context, person):
    organization = context["organization"]
    rows = open_waves_for(organization=organization, person=person) if person is not None else []
    return {"organization": organization, "rows": [row for row in rows if not row["answered"]]}
