import re

from django import forms
from django.utils.translation import gettext_lazy as _

from republication.models import Partner

HOST_NAME = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$")


class PartnerRegistrationForm(forms.ModelForm):
    """What a publisher tells us to become a partner."""

    message = forms.CharField(
        label=_("Anything we should know"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = Partner
        fields = ["organisation", "contact_name", "contact_email", "hosts"]
        labels = {
            "organisation": _("Your organisation"),
            "contact_name": _("Your name"),
            "contact_email": _("Your e-mail address"),
            "hosts": _("Sites where you will republish our stories"),
        }
        help_texts = {"hosts": _("Host names, one a line, e.g. news.example.org.")}
        widgets = {"hosts": forms.Textarea(attrs={"rows": 3})}

    def clean_hosts(self):
        hosts = []
        for line in self.cleaned_data["hosts"].splitlines():
            host = line.strip().lower()
            if "://" in host:
                host = host.split("://", 1)[1]
            host = host.split("/", 1)[0]
            if not host:
                continue
            if not HOST_NAME.match(host):
                raise forms.ValidationError(_("“%(host)s” is not a host name.") % {"host": line})
            hosts.append(host)
        if not hosts:
            raise forms.ValidationError(_("Name at least one site."))
        return "\n".join(hosts)

    def save(self, commit=True):
        self.instance.notes = self.cleaned_data.get("message", "")
        return super().save(commit)
