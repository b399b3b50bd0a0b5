from __future__ import annotations

import pytest

from chalicelib import settings as settings_module
from chalicelib.settings import SettingsError, secret, settings


def test_defaults_match_the_office(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "LOKET_SITES",
        "LOKET_DEFAULT_QUOTA",
        "LOKET_TIME_ZONE",
        "LOKET_OPEN_WEEKDAYS",
        "LOKET_DAILY_CAPACITY",
    ):
        monkeypatch.delenv(name, raising=False)
    settings_module.reset()
    config = settings()
    assert config.default_site == "kab-blitar"
    assert config.default_quota == 400
    assert config.time_zone_name == "Asia/Jakarta"
    assert config.open_pattern.weekdays == frozenset({0, 1, 2, 3, 4})
    assert config.daily_capacity == 400


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LOKET_DEFAULT_QUOTA", "many"),
        ("LOKET_DEFAULT_QUOTA", "10001"),
        ("LOKET_OPEN_WEEKDAYS", "mon,funday"),
        ("LOKET_TIME_ZONE", "Mars/Olympus"),
        ("LOKET_DEFAULT_SITE", "nowhere"),
        ("LOKET_RATE_LIMIT_PER_MINUTE", "-1"),
        ("LOKET_DAILY_CAPACITY", "0"),
    ],
)
def test_a_malformed_setting_fails_loudly_with_its_name(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    settings_module.reset()
    with pytest.raises(SettingsError, match=name):
        settings()


def test_a_secret_has_no_development_default_inside_lambda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOKET_JWT_SECRET", raising=False)
    monkeypatch.delenv("LOKET_JWT_SECRET_PARAMETER", raising=False)
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "loket-prod")
    settings_module.reset()
    with pytest.raises(SettingsError, match="LOKET_JWT_SECRET"):
        secret("LOKET_JWT_SECRET")


def test_a_secret_from_the_environment_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOKET_JWT_SECRET", "from-env-0123456789abcdef0123456789")
    settings_module.reset()
    assert secret("LOKET_JWT_SECRET") == b"from-env-0123456789abcdef0123456789"


def test_a_secret_is_read_from_ssm_when_its_parameter_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3
    from moto import mock_aws

    monkeypatch.delenv("LOKET_NIK_HMAC_KEY", raising=False)
    monkeypatch.setenv("LOKET_NIK_HMAC_KEY_PARAMETER", "/loket/dev/nik-hmac-key")
    settings_module.reset()
    with mock_aws():
        boto3.client("ssm").put_parameter(
            Name="/loket/dev/nik-hmac-key", Value="from-ssm", Type="SecureString"
        )
        assert secret("LOKET_NIK_HMAC_KEY") == b"from-ssm"


@pytest.mark.parametrize("name", ["LOKET_JWT_SECRET", "LOKET_NIK_HMAC_KEY"])
def test_inside_lambda_a_key_shorter_than_32_bytes_is_refused(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "loket-prod-bearer")
    monkeypatch.setenv(name, "x" * 31)
    settings_module.reset()
    with pytest.raises(SettingsError, match=f"{name} must be at least 32 bytes"):
        secret(name)
    monkeypatch.setenv(name, "x" * 32)
    settings_module.reset()
    assert secret(name) == b"x" * 32


def test_inside_lambda_a_short_key_from_ssm_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3
    from moto import mock_aws

    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "loket-prod-api-handler")
    monkeypatch.delenv("LOKET_NIK_HMAC_KEY", raising=False)
    monkeypatch.setenv("LOKET_NIK_HMAC_KEY_PARAMETER", "/loket/prod/nik-hmac-key")
    settings_module.reset()
    with mock_aws():
        boto3.client("ssm").put_parameter(Name="/loket/prod/nik-hmac-key", Value="short", Type="SecureString")
        with pytest.raises(SettingsError, match="LOKET_NIK_HMAC_KEY"):
            secret("LOKET_NIK_HMAC_KEY")


@pytest.mark.parametrize("name", ["LOKET_JWT_SECRET", "LOKET_NIK_HMAC_KEY"])
def test_the_development_keys_are_32_bytes_or_more(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv(f"{name}_PARAMETER", raising=False)
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    settings_module.reset()
    assert len(secret(name)) >= 32


def test_the_token_audience_is_the_stage_the_code_runs_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOKET_STAGE", raising=False)
    settings_module.reset()
    assert settings().jwt_audience == "loket-local"
    monkeypatch.setenv("LOKET_STAGE", "prod")
    settings_module.reset()
    assert settings().jwt_audience == "loket-prod"


def test_each_deployed_stage_names_itself_so_its_tokens_are_its_own() -> None:
    import json
    from pathlib import Path

    config = json.loads((Path(__file__).parents[2] / ".chalice" / "config.json").read_text())
    assert "LOKET_STAGE" not in config.get("environment_variables", {})
    for stage, stage_config in config["stages"].items():
        assert stage_config["environment_variables"]["LOKET_STAGE"] == stage


def test_the_default_site_is_the_kabupaten_office_with_its_address_and_hours(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LOKET_SITES", raising=False)
    settings_module.reset()
    office = settings().site_info(settings().default_site)
    assert office.name == "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Blitar"
    assert office.address is not None and "Kabupaten Blitar" in office.address
    assert office.worded_hours("id") == "Senin-Kamis 08.00-15.00, Jumat 08.00-11.00"
    assert office.worded_hours("en") == "Monday-Thursday 08:00-15:00, Friday 08:00-11:00"


def test_a_site_is_described_by_its_own_variables_without_a_code_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LOKET_SITES", "kab-blitar,kec-srengat")
    monkeypatch.setenv("LOKET_SITE_KEC_SRENGAT_NAME", "Tempat Layanan Adminduk Srengat")
    monkeypatch.setenv("LOKET_SITE_KEC_SRENGAT_ADDRESS", "Jl. Raya Srengat No. 1, Srengat")
    monkeypatch.setenv("LOKET_SITE_KEC_SRENGAT_HOURS", "Mon-Fri 07:30-12:00 13:00-15:30, sat 08:00-11:00")
    monkeypatch.setenv("LOKET_SITE_KAB_BLITAR_ADDRESS", "Jl. Contoh No. 2, Kanigoro")
    settings_module.reset()
    srengat = settings().site_info("kec-srengat")
    assert srengat.name == "Tempat Layanan Adminduk Srengat"
    assert srengat.address == "Jl. Raya Srengat No. 1, Srengat"
    assert srengat.worded_hours("id") == "Senin-Jumat 07.30-12.00 dan 13.00-15.30, Sabtu 08.00-11.00"
    assert srengat.worded_hours("en") == "Monday-Friday 07:30-12:00 and 13:00-15:30, Saturday 08:00-11:00"
    office = settings().site_info("kab-blitar")
    assert office.address == "Jl. Contoh No. 2, Kanigoro"
    assert office.name == "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Blitar"


def test_a_site_nobody_described_is_named_by_its_code_read_as_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LOKET_SITES", "kab-blitar,kec-sanan-kulon")
    settings_module.reset()
    site = settings().site_info("kec-sanan-kulon")
    assert (site.name, site.address, site.hours) == ("Kec Sanan Kulon", None, None)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LOKET_SITES", "kab-blitar,Kec_Wlingi"),
        ("LOKET_SITES", "kab-blitar,kab-blitar"),
        ("LOKET_SITES", "kab-blitar,-wlingi"),
        ("LOKET_SITES", "kab-blitar," + "a" * 65),
        ("LOKET_SITE_KEC_WLINGI_NAME", "x" * 101),
        ("LOKET_SITE_KEC_WLINGI_NAME", "*Kantor* Wlingi"),
        ("LOKET_SITE_KEC_WLINGI_NAME", "Kantor\nWlingi"),
        ("LOKET_SITE_KEC_WLINGI_ADDRESS", "<script>"),
        ("LOKET_SITE_KEC_WLINGI_ADDRESS", "x" * 201),
        ("LOKET_SITE_KEC_WLINGI_HOURS", "mon-fir 08:00-15:00"),
        ("LOKET_SITE_KEC_WLINGI_HOURS", "mon-fri 08:00-25:00"),
        ("LOKET_SITE_KEC_WLINGI_HOURS", "mon-fri 08:60-15:00"),
        ("LOKET_SITE_KEC_WLINGI_HOURS", "mon-fri 15:00-08:00"),
        ("LOKET_SITE_KEC_WLINGI_HOURS", "mon-fri 8:00-15:00"),
        ("LOKET_SITE_KEC_WLINGI_HOURS", "mon-fri"),
        ("LOKET_SITE_KEC_WLINGI_HOURS", "fri-mon 08:00-15:00"),
        ("LOKET_SITE_KEC_WLINGI_HOURS", "mon-fri 08:00-15:00, thu 16:00-17:00"),
        ("LOKET_SITE_KEC_WLINGI_HOURS", "mon 08:00-12:00 11:00-15:00"),
        ("LOKET_SITE_KEC_WLINGI_HOURS", "mon 08:00-09:00 10:00-11:00 12:00-13:00 14:00-15:00"),
        ("LOKET_SITE_KEC_WLINGI_HOURS", "mon-fri 08:00-15:00, " * 12),
    ],
)
def test_a_malformed_site_description_fails_loudly_with_its_name_and_not_its_value(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    settings_module.reset()
    with pytest.raises(SettingsError, match=name) as refused:
        settings()
    if name != "LOKET_SITES":
        assert value not in str(refused.value)
