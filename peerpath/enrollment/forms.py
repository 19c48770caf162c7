"""The sign-up form (shape of the answers; the run's rules live in services) and the CSV upload."""

from django import forms
from django.conf import settings
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from peerpath.enrollment import availability, selectors
from peerpath.enrollment.models import Enrolment
from peerpath.enrollment.services import SignupData

KNOWLEDGE_CHOICES = [
    (0, _("0 — none")),
    (1, _("1 — a little")),
    (2, _("2 — some")),
    (3, _("3 — a good deal")),
    (4, _("4 — expert")),
]
MAX_IMPORT_BYTES = 10 * 1024 * 1024


def _language_name(code: str) -> str:
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


def window_hours(run) -> list[int]:
    """The local hours of the day a meeting can start in, from the run's meeting window."""
    start, end = run.meeting_window_start, run.meeting_window_end
    if not 0 <= start < end <= 24:
        start, end = 0, 24
    return list(range(start, end))


def hour_label(hour_of_week: int) -> str:
    return f"{WEEKDAYS[hour_of_week // 24]} {hour_of_week % 24:02d}:00"


class SignupForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    timezone = forms.ChoiceField(
        label=_("Your timezone"),
        help_text=_("We fill this in from your browser; change it if it is wrong."),
    )
    availability = forms.TypedMultipleChoiceField(
        label=_("When can you meet each week? (your local time)"), coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one hour you can meet.")},
    )
    language = forms.ChoiceField(label=_("Language of your study group"))
    mode = forms.ChoiceField(
        label=_("How do you take part?"), choices=Enrolment.Mode.choices,
        initial=Enrolment.Mode.INDIVIDUAL, widget=forms.RadioSelect,
    )
    colleagues = forms.CharField(
        label=_("Colleagues taking part with you"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: their names, so we can keep you together."),
    )
    knowledge = forms.TypedChoiceField(
        label=_("How much do you know about the subject already?"), coerce=int,
        choices=KNOWLEDGE_CHOICES, initial=2, widget=forms.RadioSelect,
    )
    role = forms.ChoiceField(
        label=_("Your experience in your role"), choices=Enrolment.Role.choices,
        initial=Enrolment.Role.MID, widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label=_("I agree that PeerPath keeps these answers to place me in a study group and "
                "e-mails me about this course. I can withdraw at any time."),
        error_messages={"required": _("You must agree before you can sign up.")},
    )

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        self.run = run
        zones = sorted(availability.timezone_names())
        self.fields["timezone"].choices = [(name, name.replace("_", " ")) for name in zones]
        self.fields["timezone"].initial = run.timezone
        self.fields["timezone"].widget.attrs["data-detect-timezone"] = ""
        if self.is_bound:  # the learner's own choice wins over the browser's guess
            self.fields["timezone"].widget.attrs["data-keep"] = ""
        self.hours_of_day = window_hours(run)
        self.fields["availability"].choices = [
            (day * 24 + hour, hour_label(day * 24 + hour))
            for day in range(7) for hour in self.hours_of_day
        ]
        languages = run.language_list
        self.fields["language"].choices = [(code, _language_name(code)) for code in languages]
        if languages:
            self.fields["language"].initial = languages[0]
        organisations = selectors.run_organisation_list(run=run)
        if organisations.exists():
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Your organisation"), queryset=organisations,
                empty_label=_("Choose your organisation"),
            )
        else:
            self.fields["organisation"] = forms.CharField(
                label=_("Your organisation (school, company …)"), required=False, max_length=200,
            )
        self.order_fields(["name", "email", "timezone", "availability", "language",
                           "organisation", "mode", "colleagues", "knowledge", "role"])
        if run.kind == run.Kind.SPOC and run.invitation_code:
            self.fields["invitation_code"] = forms.CharField(
                label=_("Invitation code"), max_length=64,
                error_messages={"required": _("Enter the invitation code you were given.")},
            )

    def availability_grid(self) -> dict:
        """The grid as rows of days and columns of hours, with each box's state and label."""
        raw = self["availability"].value() or []
        chosen = {str(value) for value in raw}
        rows = []
        for day in range(7):
            cells = []
            for hour in self.hours_of_day:
                value = day * 24 + hour
                cells.append({"value": value, "label": hour_label(value),
                              "checked": str(value) in chosen,
                              "id": f"id_availability_{value}"})
            rows.append({"day": WEEKDAYS[day], "cells": cells})
        return {"hours": [f"{hour:02d}" for hour in self.hours_of_day], "rows": rows}

    def signup_data(self) -> SignupData:
        data = self.cleaned_data
        organisation = data.get("organisation")
        return SignupData(
            name=data["name"], email=data["email"], timezone=data["timezone"],
            availability_local=list(data["availability"]), language=data["language"],
            consent=bool(data["consent"]),
            organisation_id=getattr(organisation, "pk", None),
            organisation_name=organisation if isinstance(organisation, str) else "",
            mode=data["mode"], colleagues=data.get("colleagues", ""),
            knowledge=data["knowledge"], role=data["role"],
            invitation_code=data.get("invitation_code", ""),
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file of learners"),
        help_text=_("UTF-8, with a header row: email, name, timezone, availability and "
                    "optionally language, organisation, mode, colleagues, knowledge, role."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = getattr(settings, "PEERPATH_IMPORT_MAX_BYTES", MAX_IMPORT_BYTES)
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB; split it into several files."),
                params={"mb": limit // (1024 * 1024)},
            )
        return upload
