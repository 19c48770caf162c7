"""Forms of the production pages: proposals, assessment, plan, feedback, bookings, reviews,
programmes."""

import datetime as dt
import zoneinfo

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from peerpath.courses.models import Course, Module, Run
from peerpath.production.models import FeedbackRound, Proposal, Resource, SemesterReview
from peerpath.production.services.proposals import MAX_ATTACHMENT_BYTES


class ProposalForm(forms.ModelForm):
    """Saving a draft needs only a topic; submitting needs every field the committee reads."""

    co_instructor_emails = forms.CharField(
        label=_("Co-instructors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Their e-mail addresses, one per line. They must have a PeerPath account."),
    )
    attachment = forms.FileField(
        label=_("Attachment"), required=False, help_text=_("A PDF or document, at most 20 MB.")
    )

    class Meta:
        model = Proposal
        fields = [
            "topic",
            "impact_potential",
            "target_audience",
            "overall_planning",
            "resources_committed",
            "basis",
            "based_on",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in (
                "impact_potential",
                "target_audience",
                "overall_planning",
                "resources_committed",
            )
        }

    def __init__(self, *args, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        if self.instance.pk and not self.is_bound:
            self.initial["co_instructor_emails"] = "\n".join(
                self.instance.co_instructors.values_list("email", flat=True)
            )

    def clean_co_instructor_emails(self) -> list:
        User = get_user_model()
        emails = [e.strip() for e in self.cleaned_data["co_instructor_emails"].split() if e.strip()]
        users, unknown = [], []
        for email in emails:
            user = User.objects.filter(email__iexact=email).first()
            (users if user else unknown).append(user or email)
        if unknown:
            raise forms.ValidationError(
                _("No PeerPath account has the address %(emails)s."),
                params={"emails": ", ".join(unknown)},
            )
        return users

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload and upload.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            for name in Proposal.REQUIRED_FOR_SUBMISSION:
                if name not in self.errors and not str(cleaned.get(name) or "").strip():
                    self.add_error(name, _("This field is required to submit the proposal."))
        if cleaned.get("basis") == Proposal.Basis.EXISTING and not cleaned.get("based_on"):
            self.add_error("based_on", _("Choose the existing course the proposal builds on."))
        return cleaned

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        return {
            **data,
            "co_instructors": self.cleaned_data["co_instructor_emails"],
            "attachments": [self.cleaned_data["attachment"]]
            if self.cleaned_data.get("attachment")
            else [],
        }


SCORE_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


class AssessmentForm(forms.Form):
    """One score (1–5) and comment per active criterion."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.title,
                choices=SCORE_CHOICES,
                coerce=int,
                help_text=criterion.description,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def scores(self) -> dict:
        return {
            c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"])
            for c in self.criteria
        }


class DateInput(forms.DateInput):
    input_type = "date"


class CourseLinkForm(forms.Form):
    """The course being produced and its private pilot run."""

    course = forms.ModelChoiceField(
        label=_("Course being produced"), queryset=Course.objects.order_by("title"), required=False
    )
    pilot_run = forms.ModelChoiceField(
        label=_("Pilot run (a private run with a test group)"),
        queryset=Run.objects.none(),
        required=False,
    )

    def __init__(self, *args, proposal: Proposal, **kwargs):
        kwargs.setdefault(
            "initial", {"course": proposal.course_id, "pilot_run": proposal.pilot_run_id}
        )
        super().__init__(*args, **kwargs)
        course_id = self.data.get("course") if self.is_bound else proposal.course_id
        runs = Run.objects.filter(kind=Run.Kind.SPOC).select_related("course")
        self.fields["pilot_run"].queryset = (
            runs.filter(course_id=course_id) if str(course_id or "").isdigit() else runs
        )


class PlanForm(forms.Form):
    start_on = forms.DateField(
        label=_("Development starts on"),
        widget=DateInput,
        help_text=_("The default milestones are dated from this day; change them afterwards."),
    )


class MilestoneForm(forms.Form):
    due_on = forms.DateField(label=_("Due on"), widget=DateInput)


class FeedbackRoundForm(forms.Form):
    target = forms.ChoiceField(label=_("Feedback on"), choices=FeedbackRound.Target.choices)
    module = forms.ModelChoiceField(
        label=_("Module"), queryset=Module.objects.none(), required=False
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = forms.CharField(label=_("First comment"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        if proposal.course_id:
            self.fields["module"].queryset = Module.objects.filter(course_id=proposal.course_id)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("How it was resolved"), widget=forms.Textarea(attrs={"rows": 2})
    )


class LocalDateTimeField(forms.CharField):
    """A date and time as typed (YYYY-MM-DD HH:MM, or from a datetime-local input), naive."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": 300})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            parsed = dt.datetime.fromisoformat(value.strip().replace(" ", "T"))
        except ValueError:
            raise forms.ValidationError(
                _("Write a date and time as YYYY-MM-DD HH:MM, for example 2030-05-06 10:00.")
            ) from None
        return parsed.replace(tzinfo=None)


class BookingForm(forms.Form):
    """Times are local to the resource (its studio's timezone)."""

    resource = forms.ModelChoiceField(
        label=_("Studio or service"), queryset=Resource.objects.filter(active=True)
    )
    starts_at = LocalDateTimeField(label=_("From (the studio's local time)"))
    ends_at = LocalDateTimeField(label=_("To (the studio's local time)"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def aware(self, name: str) -> dt.datetime:
        resource = self.cleaned_data["resource"]
        return self.cleaned_data[name].replace(tzinfo=zoneinfo.ZoneInfo(resource.timezone))


class SemesterReviewForm(forms.Form):
    semester = forms.CharField(
        label=_("Semester"), max_length=16, help_text=_("For example 2025-autumn.")
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=SemesterReview.Outcome.choices)
    notes = forms.CharField(
        label=_("Notes on the semester report"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    follow_up = forms.CharField(
        label=_("Follow-up actions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProgrammeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Web address name"), help_text=_("The sign-up page is /runs/<this name>/.")
    )
    starts_on = forms.DateField(label=_("First workshop week starts on"), widget=DateInput)
    timezone = forms.CharField(label=_("Timezone"), initial="Europe/Copenhagen", max_length=64)
    invitation_code = forms.CharField(
        label=_("Invitation code"),
        required=False,
        max_length=64,
        help_text=_("Academics need it to sign up; left empty, one is made up."),
    )
    capacity = forms.IntegerField(label=_("Places"), required=False, min_value=1)


class DesignerForm(forms.Form):
    designer_email = forms.EmailField(label=_("Designer's e-mail address"))

    def clean_designer_email(self):
        email = self.cleaned_data["designer_email"]
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(
                _("No PeerPath account has the address %(email)s."), params={"email": email}
            )
        return user
