"""The CI-gate config file: ${VAR} expansion, targets, and the [policy] table's validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from pixelaudit.config import ConfigError, load_file_config
from pixelaudit.config_file import expand_env, parse_policy, read_config
from pixelaudit.policy import Policy

ENV = {"STAGING_USER": "stage", "STAGING_PASS": "s3cret", "EMPTY": ""}


def test_env_vars_are_expanded_in_every_string() -> None:
    assert expand_env("${STAGING_USER}:${STAGING_PASS}", "http_credentials", "f", ENV) == "stage:s3cret"
    assert expand_env(["X-Token: ${STAGING_PASS}", 3], "header", "f", ENV) == ["X-Token: s3cret", 3]
    assert expand_env({"a": "${STAGING_USER}"}, "policy", "f", ENV) == {"a": "stage"}
    assert expand_env(True, "heuristics", "f", ENV) is True


def test_env_var_defaults_and_literals() -> None:
    assert expand_env("${MISSING:-10.0.0.5}", "resolve", "f", ENV) == "10.0.0.5"
    assert expand_env("${MISSING:-}", "user_agent", "f", ENV) == ""
    assert expand_env("${EMPTY:-fallback}", "user_agent", "f", ENV) == ""  # set, even if empty, wins
    assert expand_env("$HOME and $${STAGING_USER}", "user_agent", "f", ENV) == "$HOME and ${STAGING_USER}"


def test_unset_env_var_without_default_names_the_key_and_variable() -> None:
    with pytest.raises(ConfigError, match=r"^pixelaudit.toml: http_credentials: environment variable "
                                          r"STAGING_TOKEN is not set$"):
        expand_env("${STAGING_USER}:${STAGING_TOKEN}", "http_credentials", "pixelaudit.toml", ENV)
    with pytest.raises(ConfigError, match=r"header: \$\{1BAD\} is not a variable name"):
        expand_env("${1BAD}", "header", "f", ENV)


def test_read_config_expands_and_splits_targets_and_policy(tmp_path: Path) -> None:
    (tmp_path / "pixelaudit.toml").write_text(
        'targets = ["https://staging.example.com/", "${SECOND_HOST:-b.example}"]\n'
        'http-credentials = "${STAGING_USER}:${STAGING_PASS}"\nfail-on = "medium"\n'
        '[policy]\nallowed-vendors = { analytics = ["Matomo", "Plausible"], advertising = [] }\n'
        'severity = { "tracking-pixel" = "LOW" }\n', encoding="utf-8")
    config = read_config(tmp_path, ENV)
    assert config.path == tmp_path / "pixelaudit.toml"
    assert config.options == {"http_credentials": "stage:s3cret", "fail_on": "medium"}
    assert config.targets == ("https://staging.example.com/", "https://b.example/")
    assert config.policy == Policy((("analytics", ("matomo", "plausible")), ("advertising", ())),
                                   (("tracking-pixel", "low"),), str(tmp_path / "pixelaudit.toml"))


def test_read_config_from_pyproject_policy_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pixelaudit]\nfail-on = "high"\n[tool.pixelaudit.policy]\n'
        'severity = { "cookie-before-consent" = "medium" }\n', encoding="utf-8")
    config = read_config(tmp_path, ENV)
    assert config.options == {"fail_on": "high"} and config.targets == ()
    assert config.policy is not None and config.policy.severity == (("cookie-before-consent", "medium"),)
    assert load_file_config(tmp_path) == {"fail_on": "high"}  # the scan defaults alone, as before


def test_no_file_is_an_empty_config(tmp_path: Path) -> None:
    config = read_config(tmp_path, ENV)
    assert (config.path, dict(config.options), config.targets, config.policy) == (None, {}, (), None)


def test_unset_variable_in_the_file_names_file_key_and_variable(tmp_path: Path) -> None:
    (tmp_path / "pixelaudit.toml").write_text('resolve = ["staging.example.com=${STAGING_IP}"]\n')
    with pytest.raises(ConfigError) as err:
        read_config(tmp_path, ENV)
    assert str(err.value) == f"{tmp_path / 'pixelaudit.toml'}: resolve: environment variable STAGING_IP is not set"


@pytest.mark.parametrize(("text", "message"), [
    ('targets = "https://a.example/"', "targets must be a non-empty list of URLs"),
    ("targets = []", "targets must be a non-empty list of URLs"),
    ('targets = ["ftp://a.example/"]', "targets: invalid URL 'ftp://a.example/'"),
    ('policy = "strict"', "policy must be a table"),
])
def test_bad_targets_or_policy_shape(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "pixelaudit.toml").write_text(text + "\n")
    with pytest.raises(ConfigError, match=f"^{tmp_path / 'pixelaudit.toml'}: " + message.replace("[", r"\[")):
        read_config(tmp_path, ENV)


@pytest.mark.parametrize(("table", "message"), [
    ({"allowed_vendors": ["Matomo"]}, "f: policy.allowed_vendors must be a table"),
    ({"allowed_vendors": {"stats": ["Matomo"]}}, "f: policy.allowed_vendors.stats: unknown category or purpose; "
                                                 "known: ab-testing, advertising,"),
    ({"allowed_vendors": {"analytics": "Matomo"}}, "f: policy.allowed_vendors.analytics must be a list"),
    ({"allowed_vendors": {"analytics": ["Matomo", 3]}}, "f: policy.allowed_vendors.analytics must be a list"),
    ({"severity": {"tracker-before-consent": "critical"}},
     "f: policy.severity.tracker-before-consent: 'critical' is not a severity; choose from high, medium, low, info"),
    ({"severity": {"tracker-before-consent": 3}}, "f: policy.severity.tracker-before-consent: 3 is not a severity"),
    ({"severity": {"tracker": "high"}}, "f: policy.severity.tracker: unknown finding type; known: "
                                        "tracker-before-consent, tracker-after-reject, cookie-before-consent,"),
    ({"severity": "high"}, "f: policy.severity must be a table"),
    ({"fail_on": "high"}, "f: unknown key policy.fail_on; known: allowed_vendors, severity"),
])
def test_policy_validation_errors_name_the_key(table: dict, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_policy(table, "f")
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_policy_accepts_purposes_and_the_unknown_category() -> None:
    policy = parse_policy({"allowed-vendors": {"statistics": [" Matomo ", "matomo"], "unknown": ["heuristic:id-param"]},
                           "severity": {}}, "f")
    assert policy.allowed_vendors == (("statistics", ("matomo",)), ("unknown", ("heuristic:id-param",)))
