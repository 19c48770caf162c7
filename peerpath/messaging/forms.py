"""Forms of the messaging pages."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from peerpath.messaging.models import Audience, Trigger


class PlanEntryForm(forms.Form):
    enabled = forms.BooleanField(label=_("Send this message"), required=False)
    trigger = forms.ChoiceField(label=_("Trigger"), choices=Trigger.choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    offset_hours = forms.IntegerField(
        label=_("Hours before the meeting"), min_value=0, max_value=24 * 14, initial=0
    )
    after_days = forms.IntegerField(
        label=_("Days (inactivity, unanswered survey)"), min_value=0, max_value=90, initial=0
    )
    window_start = forms.TimeField(
        label=_("Send from (recipient's local time)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    window_end = forms.TimeField(
        label=_("Send until (recipient's local time)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


def language_choices():
    return [("", _("Any language"))] + list(settings.LANGUAGES)


class TemplateForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), required=False, choices=language_choices)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body_text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "true"})
    )
    body_html = forms.CharField(
        label=_("HTML (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    learner = forms.CharField(
        label=_("Preview for learner (e-mail)"), required=False, max_length=254
    )
