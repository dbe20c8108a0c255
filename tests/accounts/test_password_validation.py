"""Password rules answer in the user's language."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("zh-hans", "密码太短，至少需要 8 个字符。"),
        ("en", "This password is too short. It must contain at least 8 characters."),
    ],
)
def test_password_length_error_in_the_users_language(db, language, message):
    with translation.override(language), pytest.raises(ValidationError) as error:
        validate_password("a1b2")
    assert message in error.value.messages
