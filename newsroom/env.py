"""Typed reads of environment variables for settings.py.

One rule for all of them: a variable that is unset or empty takes the default, so
`DATABASE_URL= make test` means "the default". A value that cannot be read stops the process
with ImproperlyConfigured naming the variable.
"""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    """Comma-separated items, blanks dropped."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_int_list(name: str, default: str) -> list[int]:
    try:
        return [int(item) for item in env_list(name, default)]
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be whole numbers separated by commas, e.g. 480,800,1200."
        ) from None
