"""The cluster's deployment files, read as docker compose and Caddy would: the services, their
health checks and start order, the variables `.env.example` must define, the commands and
settings they name, and the image's PostgreSQL driver. (No Docker daemon runs the tests.)"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from typer.main import get_command

from bot.cli import app
from bot.config import ENV_PREFIX, Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
DIGESTBOT_SERVICES = ("migrate", "web", "worker", "pusher")
CADDYFILE = (ROOT / "config" / "Caddyfile").read_text()


def _started_after(service: str, other: str) -> str | None:
    return SERVICES[service].get("depends_on", {}).get(other, {}).get("condition")


def test_the_cluster_has_its_services():
    assert set(SERVICES) == {"postgres", "migrate", "web", "worker", "pusher", "proxy"}
    assert SERVICES["web"]["deploy"]["replicas"] == 2
    assert SERVICES["worker"]["deploy"]["replicas"] >= 1


def test_postgres_is_health_checked_and_everything_waits_for_it():
    assert "pg_isready" in " ".join(SERVICES["postgres"]["healthcheck"]["test"])
    for service in DIGESTBOT_SERVICES:
        assert _started_after(service, "postgres") == "service_healthy", service


def test_the_migration_runs_once_before_the_web_replicas_and_the_workers():
    migrate = SERVICES["migrate"]
    assert migrate["command"] == ["digestbot", "migrate"]
    assert migrate["restart"] == "no"
    for service in ("web", "worker", "pusher"):
        assert _started_after(service, "migrate") == "service_completed_successfully", service


def test_workers_are_health_checked_by_digestbot_healthcheck():
    assert SERVICES["worker"]["command"] == ["digestbot", "worker"]
    assert SERVICES["worker"]["healthcheck"]["test"] == ["CMD", "digestbot", "healthcheck"]


def test_pushes_are_sent_by_two_pushers_one_at_a_time():
    assert SERVICES["pusher"]["command"] == ["digestbot", "pusher"]
    assert SERVICES["pusher"]["deploy"]["replicas"] == 2
    assert SERVICES["pusher"]["healthcheck"]["test"] == ["CMD", "digestbot", "healthcheck"]


def test_web_replicas_are_checked_on_readyz_and_the_proxy_waits_for_them():
    check = " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert "/readyz" in check and "${DIGESTBOT_WEB_PORT:-8080}" in check
    assert _started_after("proxy", "web") == "service_healthy"


def test_digestbot_containers_reach_postgres_and_serve_metrics_to_the_network():
    for service in DIGESTBOT_SERVICES:
        environment = SERVICES[service]["environment"]
        assert "@postgres:5432/" in environment["DIGESTBOT_DATABASE_URL"]
        assert environment["DIGESTBOT_METRICS_HOST"] == "0.0.0.0"
        assert int(environment["DIGESTBOT_METRICS_PORT"]) > 0
        assert SERVICES[service]["env_file"] == ".env"


def test_every_digestbot_container_runs_in_cluster_mode():
    for service in DIGESTBOT_SERVICES:
        environment = {
            name.removeprefix(ENV_PREFIX).lower(): value
            for name, value in SERVICES[service]["environment"].items()
        }
        environment["database_url"] = "postgresql+psycopg://digestbot@postgres:5432/digestbot"
        fields = {k: v for k, v in environment.items() if k in ("database_url", "queue")}
        assert Settings(_env_file=None, **fields).cluster_mode, service


def test_web_replicas_listen_beyond_loopback_at_the_path_the_proxy_routes_with_a_secret():
    environment = SERVICES["web"]["environment"]
    assert environment["DIGESTBOT_WEB_HOST"] == "0.0.0.0"
    assert (
        environment["DIGESTBOT_WEBHOOK_URL"]
        == "https://${WEBHOOK_DOMAIN:?set WEBHOOK_DOMAIN in .env}/telegram"
    )
    assert environment["DIGESTBOT_WEBHOOK_SECRET"].startswith("${DIGESTBOT_WEBHOOK_SECRET:?")


def test_the_proxy_routes_the_webhook_and_liveness_to_every_web_replica():
    mounts = SERVICES["proxy"]["volumes"]
    assert "./config/Caddyfile:/etc/caddy/Caddyfile:ro" in mounts
    matcher = re.search(r"@webhook path (.+)", CADDYFILE).group(1).split()
    assert {"/telegram", "/telegram/*", "/healthz"} <= set(matcher)
    assert re.search(r"dynamic a \{\s+name web\s+port \{\$DIGESTBOT_WEB_PORT\}", CADDYFILE)
    assert "respond 404" in CADDYFILE  # nothing else, the metrics least of all
    assert set(SERVICES["proxy"]["environment"]) >= {"WEBHOOK_DOMAIN", "DIGESTBOT_WEB_PORT"}


def test_every_variable_the_compose_file_requires_is_in_env_example():
    example = (ROOT / ".env.example").read_text()
    defined = set(re.findall(r"^([A-Z_]+)=", example, re.MULTILINE))
    required = set(re.findall(r"\$\{([A-Z_]+):\?", (ROOT / "docker-compose.yml").read_text()))

    assert required and required <= defined
    assert "TELEGRAM_BOT_TOKEN" in defined


def _digestbot_variables() -> set[str]:
    names = set(re.findall(r"^(DIGESTBOT_[A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    for service in DIGESTBOT_SERVICES:
        names |= {n for n in SERVICES[service]["environment"] if n.startswith(ENV_PREFIX)}
    return names


@pytest.mark.parametrize("variable", sorted(_digestbot_variables()))
def test_every_digestbot_variable_names_a_setting(variable):
    assert variable.removeprefix(ENV_PREFIX).lower() in Settings.model_fields


@pytest.mark.parametrize("service", DIGESTBOT_SERVICES)
def test_every_service_runs_a_digestbot_command(service):
    program, command, *_ = SERVICES[service]["command"]
    assert program == "digestbot" and command in get_command(app).commands


def test_the_image_installs_the_postgresql_driver():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(r.startswith("psycopg") for r in extras["optional-dependencies"]["postgres"])
    assert 'pip install --no-cache-dir "./[postgres]"' in (ROOT / "Dockerfile").read_text()
