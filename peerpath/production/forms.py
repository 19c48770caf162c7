"""Forms of the production pages: the proposal, a reviewer's assessment, a transition's note."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from peerpath.production.models import Proposal
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
