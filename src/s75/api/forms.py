"""The form that makes an API token, on the account page."""

from django import forms

from s75.core.forms import GovukForm

from .models import TokenScope
from .services import LIFETIMES_DAYS


class TokenForm(GovukForm):
    name = forms.CharField(label="Name", max_length=100, help_text="What the token is for, so that you know which "
                           "to revoke: for example ‘Finance system nightly upload’.",
                           error_messages={"required": "Give the token a name that says what it is for"})
    scope = forms.ChoiceField(label="What it may do", choices=TokenScope.choices, widget=forms.RadioSelect,
                              initial=TokenScope.READ,
                              error_messages={"required": "Choose read only or read and write"})
    days = forms.TypedChoiceField(label="Lasts for", coerce=int, initial=90,
                                  choices=[(days, f"{days} days") for days in LIFETIMES_DAYS],
                                  error_messages={"required": "Choose how long the token lasts"})
