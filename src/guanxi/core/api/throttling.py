"""Rate limits; the rates are read per request so settings overrides (and tests) take effect."""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _LiveRates:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonRateThrottle(_LiveRates, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_LiveRates, throttling.UserRateThrottle):
    pass


class TokenRateThrottle(_LiveRates, throttling.AnonRateThrottle):
    """Login attempts for an API token, per client address, on top of the axes lockout."""

    scope = "token"
