"""Feed throughput against a static file of the same bytes, served by the same gunicorn in the same run.

Usage: .venv/bin/python bench/feed_bench.py [--announcements 1000] [--seconds 10]
Needs wrk (Debian package `wrk`). Uses a fresh SQLite database in a temporary
folder (or BENCH_DATABASE_URL) and never touches instance/.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = 5077


QUERY_PAGES = ["/processors/vcare/", "/processors/vcare/changes/", "/processors/vcare/feed.atom"]


def count_queries(app) -> dict[str, int]:
    """SQL statements per page (the feed on a cache miss, after clearing the worker caches)."""
    from sqlalchemy import event

    from registry.announcements.reading import forget_feed_heads
    from registry.extensions import db
    from registry.web.public import feeds

    counts = {}
    client = app.test_client()
    for url in QUERY_PAGES:
        feeds._rendered.clear()
        forget_feed_heads()
        statements = []
        listener = lambda *_args, seen=statements: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200, url
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        counts[url] = len(statements)
    return counts


def prepare(db_url: str, count: int) -> None:
    """Migrate, seed, and publish `count` announcements for Vcare through the real services."""
    os.environ["DATABASE_URL"] = db_url
    from flask_migrate import upgrade
    from sqlalchemy import select

    from registry import create_app
    from registry.accounts import users as accounts
    from registry.announcements import publication
    from registry.announcements.drafting import save_draft
    from registry.extensions import db
    from registry.models import Processor, Service, User
    from registry.subprocessors.seeding import load_seed
    from registry.subprocessors.snapshot import today

    app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        upgrade()
        load_seed(ROOT / "seed")
        editor = accounts.create_user("bench@vcare.example", "editor", "vcare", "bench password 123", actor="bench")
        vcare = db.session.scalar(select(Processor).filter_by(slug="vcare"))
        services = db.session.scalars(select(Service).filter_by(processor_id=vcare.id)).all()
        started = time.perf_counter()
        early = None
        for n in range(count):
            if n == 10:
                early = count_queries(app)
            service = services[n % len(services)]
            data = {
                "kind": "add",
                "service_ids": [service.id],
                "new_name": f"Bench Sub-processor {n}",
                "reason": f"Benchmark announcement {n}",
                "effective_date": today() + timedelta(days=60 + n),
                "locations": [{"country": "NL", "place": None, "role": "processing", "transfer_basis": None}],
            }
            item = save_draft(db.session.get(User, editor.id), vcare, None, data)
            publication.publish(db.session.get(User, editor.id), vcare, item.id)
        print(f"published {count} announcements in {time.perf_counter() - started:.1f} s")
        late = count_queries(app)
        for url in QUERY_PAGES:
            print(f"SQL statements for {url:32} with 10 announcements: {early[url]:3}, with {count}: {late[url]:3}")


def wrk(url: str, seconds: int, header: str | None = None) -> float:
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", url]
    if header:
        command[1:1] = ["-H", header]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non2xx:
        raise SystemExit(f"{url}: {non2xx.group(1)} error responses\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--announcements", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="feed-bench-"))
    db_url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.db'}")
    prepare(db_url, args.announcements)
    env = dict(os.environ, DATABASE_URL=db_url, BASE_URL=f"http://127.0.0.1:{PORT}", SECRET_KEY="bench-secret-key")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-b", f"127.0.0.1:{PORT}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT,
        env=env,
    )
    static_copy = ROOT / "static" / "bench-feed.atom"
    try:
        base = f"http://127.0.0.1:{PORT}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with urllib.request.urlopen(base + "/processors/vcare/feed.atom") as response:
            body, etag = response.read(), response.headers["ETag"]
        static_copy.write_bytes(body)
        print(f"feed: {len(body)} bytes, ETag {etag}")
        wrk(base + "/processors/vcare/feed.atom", 2)  # warm both workers' caches
        static = wrk(base + "/static/bench-feed.atom", args.seconds)
        feed = wrk(base + "/processors/vcare/feed.atom", args.seconds)
        not_modified = wrk(base + "/processors/vcare/feed.atom", args.seconds, f"If-None-Match: {etag}")
        print(f"static file      {static:10.1f} req/s")
        print(f"feed (200)       {feed:10.1f} req/s   ratio {feed / static:.2f}  (goal >= 0.80)")
        print(f"feed (304)       {not_modified:10.1f} req/s   ratio {not_modified / static:.2f}  (goal >= 1.00)")
    finally:
        server.terminate()
        server.wait()
        static_copy.unlink(missing_ok=True)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
