"""feedd's errors cross process boundaries intact (a worker reports a broken file)."""

from __future__ import annotations

import pickle

import pytest

from feedd.errors import BusyError, ConfigError, FeeddError, InputError


@pytest.mark.parametrize(
    "error",
    [
        InputError("posts/a.md", "broken YAML front matter: line 2"),
        ConfigError("timezone", "not a time zone", "/etc/feedd/config.toml"),
        BusyError("/var/lib/feedd/feedd.db.lock", 60.0),
        FeeddError("a message of its own"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_pickle_with_their_fields(error: Exception) -> None:
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error) and str(back) == str(error)
    assert vars(back) == vars(error)
