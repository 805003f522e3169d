"""docs/deployment.md, tested: ``lodplan serve`` alone, and docs/nginx/lodplan.conf run by
Debian's nginx in front of it.

The nginx file is the one the documentation gives; only its ports and paths are
rewritten (each rewrite must find its line, so the test follows the file). Needs the
``nginx`` package: skipped without it, failed without it in CI (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.conftest import publish_lod_dataset
from tests.support.server import free_port, running_server

pytestmark = pytest.mark.e2e

NGINX = Path("/usr/sbin/nginx")
CONFIG = Path(__file__).resolve().parents[2] / "docs" / "nginx" / "lodplan.conf"
START_TIMEOUT_S = 10
CHEAP_QUERY = "SELECT ?plan WHERE { ?plan a lodplan:Plan } ORDER BY ?plan"


@dataclass(frozen=True)
class Site:
    url: str  # nginx
    backend: str  # lodplan serve


def rewritten_config(text: str, *, port: int, backend_port: int, prefix: Path) -> str:
    """The documented file with the test's ports and paths; fails if a line moved away."""
    rewrites = {
        "    listen 80;\n": f"    listen 127.0.0.1:{port};\n",
        "    listen [::]:80;\n": "",
        "server 127.0.0.1:8080;": f"server 127.0.0.1:{backend_port};",
        "/var/cache/nginx/lodplan": str(prefix / "cache"),
    }
    for old, new in rewrites.items():
        assert text.count(old) == 1, f"{CONFIG.name} no longer has {old!r} once"
        text = text.replace(old, new)
    return text


def main_config(prefix: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf gives the site, with everything in ``prefix``."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach ``prefix``
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 768; }}
http {{
    access_log {prefix / "access.log"};
{temp}
    include {site};
}}
"""


def _nginx_missing() -> None:
    message = "nginx is missing; install Debian's package: apt-get install nginx"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def site(bundled_build, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if not NGINX.exists():
        _nginx_missing()
    prefix = tmp_path_factory.mktemp("nginx")
    port, backend_port = free_port(), free_port()
    site_file = prefix / "lodplan.conf"
    site_file.write_text(
        rewritten_config(CONFIG.read_text(), port=port, backend_port=backend_port, prefix=prefix)
    )
    main = prefix / "nginx.conf"
    main.write_text(main_config(prefix, site_file))
    checked = subprocess.run(
        [NGINX, "-t", "-p", str(prefix), "-c", str(main)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    with running_server(bundled_build.store, backend_port, {"LODPLAN_PROXY_HOPS": "1"}) as backend:
        nginx = subprocess.Popen(
            [NGINX, "-p", str(prefix), "-c", str(main), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}/"
            _wait_for(url, nginx, prefix)
            yield Site(url, backend)
        finally:
            os.killpg(nginx.pid, signal.SIGQUIT)  # graceful stop of master and workers
            try:
                nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(nginx.pid, signal.SIGKILL)
                nginx.wait()


def _wait_for(url: str, nginx: subprocess.Popen, prefix: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and nginx.poll() is None:
        try:
            requests.get(url + "assets/site.css", timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    error_log = prefix / "error.log"
    log = error_log.read_text() if error_log.exists() else ""
    raise RuntimeError(f"nginx did not start on {url}: {log}")


def test_a_new_build_is_served_without_a_restart(tmp_path):
    store = tmp_path / "store"
    publish_lod_dataset(store, build_id="build-0001")
    with running_server(store, free_port()) as base:
        # (the home page shows the build's date, not its hash: the same day, the same page)
        before = requests.get(base + "extra/0", timeout=10)
        assert before.status_code == 404
        publish_lod_dataset(store, build_id="build-0002", extra=1)
        after = requests.get(base + "extra/0", timeout=10)
        assert after.status_code == 200 and after.headers["ETag"]


def test_a_page_through_nginx(site):
    response = requests.get(site.url + "plan/mot-programme-2023", timeout=10)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<html" in response.text and "MOT" in response.text
    # the site's own headers come through
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response.headers


def test_the_sparql_endpoint_through_nginx(site):
    got = requests.get(
        site.url + "sparql",
        params={"query": CHEAP_QUERY},
        headers={"Accept": "text/csv"},
        timeout=30,
    )
    assert got.status_code == 200, got.text[:300]
    plans = got.text.splitlines()[1:]
    assert len(plans) == 5 and all(plan.startswith("http") for plan in plans)
    posted = requests.post(
        site.url + "sparql", data={"query": CHEAP_QUERY}, headers={"Accept": "text/csv"}, timeout=30
    )
    assert posted.status_code == 200 and posted.text == got.text


def test_get_answers_are_cached_briefly_and_posted_queries_never(site):
    query = CHEAP_QUERY + " LIMIT 2"
    statuses = [
        requests.get(
            site.url + "sparql", params={"query": query}, headers={"Accept": "text/csv"}, timeout=30
        ).headers.get("X-Cache-Status")
        for _ in range(2)
    ]
    assert statuses == ["MISS", "HIT"]
    for _ in range(2):
        posted = requests.post(
            site.url + "sparql", data={"query": query}, headers={"Accept": "text/csv"}, timeout=30
        )
        assert posted.status_code == 200
        assert posted.headers.get("X-Cache-Status") in (None, "", "BYPASS")
    # a variant of the same URL is kept apart: no Turtle for a CSV client
    turtle = requests.get(site.url + "plan/mot-programme-2023?format=ttl", timeout=10)
    csv_client = requests.get(
        site.url + "plan/mot-programme-2023", headers={"Accept": "text/turtle"}, timeout=10
    )
    html = requests.get(site.url + "plan/mot-programme-2023", timeout=10)
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    assert csv_client.headers["Content-Type"].startswith("text/turtle")
    assert html.headers["Content-Type"].startswith("text/html")


def test_a_request_body_over_the_limit_is_refused_by_nginx(site):
    response = requests.post(
        site.url + "sparql",
        data=b"query=" + b"x" * (2 * 1024 * 1024),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    assert response.status_code == 413


def test_a_client_that_floods_the_endpoint_is_limited(site):
    """Per client address: beyond the burst, 429 (the last test: it spends the budget)."""
    statuses = [
        requests.get(site.url + "sparql", params={"n": n}, timeout=10).status_code
        for n in range(60)
    ]
    assert statuses[0] == 200
    assert 429 in statuses
    assert set(statuses) <= {200, 429}
