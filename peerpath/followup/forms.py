from django import forms
from django.utils.translation import gettext_lazy as _

from peerpath.followup.models import Contact


class ContactForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Contact.Channel.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Contact.Outcome.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SnoozeForm(forms.Form):
    until = forms.DateField(label=_("Snooze until"), widget=forms.DateInput(attrs={"type": "date"}))


class CloseForm(forms.Form):
    close_note = forms.CharField(label=_("Why close"), required=False, max_length=300)
