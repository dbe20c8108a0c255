"""Password rules with messages in every language Guanxi offers.

Django 5.2 reworded the minimum-length message, and its zh_Hans catalogue still carries only the
old wording, so the stock validator answers Chinese users in English.
"""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
