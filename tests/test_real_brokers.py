"""The Celery exercises verified against real brokers, not only the in-memory transport.

Redis: a private redis-server on a free loopback port, started here and stopped by PID (or the
server named by KATA_REDIS_URL). RabbitMQ: the server named by KATA_AMQP_URL, or one listening
on 127.0.0.1:5672 with the default guest account. Where neither can be had the tests skip with
the reason — except under CI (CI=true), where a missing broker is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from servers import listening, redis_server

from grader.manifest import load_course

ROOT = Path(__file__).parent.parent
CELERY_EXERCISES = [e.id for e in load_course().exercises if e.track == "celery"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CELERY_EXERCISES, reason="the course has no Celery exercises yet"),
]


def unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must provide every real broker (.ci/run installs them)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if os.environ.get("KATA_REDIS_URL"):
        yield os.environ["KATA_REDIS_URL"]
        return
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is not installed")
    with redis_server(binary, tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def amqp_url():
    url = os.environ.get("KATA_AMQP_URL")
    if url:
        return url
    if not listening(5672):
        unavailable("no RabbitMQ on 127.0.0.1:5672 and KATA_AMQP_URL is not set")
    return "amqp://guest:guest@127.0.0.1:5672//"


def verify_with(env_var: str, url: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("KATA_")}
    env.pop("CELERY_BROKER_URL", None)
    env[env_var] = url
    return subprocess.run(
        [sys.executable, "-m", "grader", "verify", *CELERY_EXERCISES],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_celery_exercises_verify_against_redis(redis_url):
    result = verify_with("KATA_REDIS_URL", redis_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "verify passed" in result.stdout


def test_celery_exercises_leave_no_keys_on_redis(redis_url):
    import redis

    verify_with("KATA_REDIS_URL", redis_url)
    client = redis.Redis.from_url(redis_url)
    leftovers = list(client.scan_iter(match="kata-*"))
    client.close()
    assert leftovers == [], f"the suites left {len(leftovers)} keys on Redis, e.g. {leftovers[:3]}"


def test_celery_exercises_verify_against_rabbitmq(amqp_url):
    result = verify_with("KATA_AMQP_URL", amqp_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "verify passed" in result.stdout
