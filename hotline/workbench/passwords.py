"""Django's password messages in Chinese.

Django's own zh_Hans catalogue translates the similarity, common-password
and numeric messages, but Django 5.2 reworded the minimum-length one
("%d character" for "%(min_length)d character") and its catalogue has not
caught up, so that one reached staff in English. Marked here so that
`make messages` keeps it in our catalogue, which Django reads first."""

from django.utils.translation import ngettext_lazy

TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)
