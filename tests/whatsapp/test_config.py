"""WhatsApp settings: development defaults only outside Lambda; SSM parameters in AWS."""

from __future__ import annotations

import pytest

from chalicelib.settings import SettingsError
from chalicelib.settings import reset as reset_settings
from chalicelib.whatsapp import config


def test_outside_lambda_unset_secrets_fall_back_to_development_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WHATSAPP_APP_SECRET")
    reset_settings()
    assert config.whatsapp_secret("WHATSAPP_APP_SECRET") == b"dev-only-whatsapp-app-secret"


def test_in_lambda_an_unset_secret_fails_loudly_with_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WHATSAPP_APP_SECRET")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "loket-dev")
    reset_settings()
    with pytest.raises(SettingsError, match="WHATSAPP_APP_SECRET"):
        config.whatsapp_secret("WHATSAPP_APP_SECRET")


def test_in_lambda_the_reply_queue_must_be_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.whatsapp import outbox

    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "loket-dev")
    outbox.use_dispatcher(None)
    with pytest.raises(SettingsError, match="WHATSAPP_REPLY_QUEUE_URL"):
        outbox.dispatcher()


def test_the_graph_url_defaults_to_meta_and_loses_its_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.whatsapp_settings().graph_url == config.DEFAULT_GRAPH_URL
    monkeypatch.setenv("WHATSAPP_GRAPH_URL", "http://127.0.0.1:9/v23.0/")
    config.reset()
    assert config.whatsapp_settings().graph_url == "http://127.0.0.1:9/v23.0"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WHATSAPP_GRAPH_URL", "ftp://x"),
        ("WHATSAPP_MAX_ATTEMPTS", "0"),
        ("WHATSAPP_SEND_TIMEOUT_SECONDS", "soon"),
    ],
)
def test_a_malformed_setting_fails_with_its_name(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    config.reset()
    with pytest.raises(SettingsError, match=name):
        config.whatsapp_settings()
