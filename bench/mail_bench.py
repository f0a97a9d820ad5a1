"""An announcement to 10,000 confirmed subscribers, against a plain smtplib loop to the same sink.

Usage: .venv/bin/python bench/mail_bench.py [--subscribers 10000] [--rounds 3]
Each round publishes a new announcement to every subscriber and is measured against the plain loop run
just before and just after it (this 2-core machine's speed drifts by a quarter within minutes).
The sink is aiosmtpd in a process of its own (bench/sink.py) on loopback; the
database is a fresh SQLite file in a temporary folder (or BENCH_DATABASE_URL).
The worker runs as `flask mail send` does (same relaxed commit durability).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Sink:
    def __init__(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "sink.py"), str(self.port)], stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout.readline().strip() == "ready"

    def status(self) -> tuple[int, float]:
        self.process.send_signal(signal.SIGUSR1)
        count, last = self.process.stdout.readline().split()
        return int(count), float(last)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


def plain_loop(port: int, messages: list[bytes]) -> float:
    """Seconds for smtplib to send ready-made messages over one connection."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as connection:
        for n, data in enumerate(messages):
            connection.sendmail("registry@localhost", [f"plain{n}@example.org"], data)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="announcements, each between two runs of the plain loop (the machine drifts)",
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="mail-bench-"))
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.db'}")
    os.environ.update(DATABASE_URL=url, SECRET_KEY="bench", BASE_URL="http://registry.example")

    from flask_migrate import upgrade
    from sqlalchemy import func, insert, select

    from registry import create_app
    from registry.accounts import users as accounts
    from registry.announcements.drafting import save_draft
    from registry.extensions import db
    from registry.mail.delivery import deliver
    from registry.mail.messages import build
    from registry.models import OutboxMessage, Processor, Service, Subscription, User
    from registry.storage.engine import relax_commit_durability
    from registry.subprocessors.seeding import load_seed
    from registry.subprocessors.snapshot import today

    sink = Sink()
    rounds, plain_times, ready = [], [], []
    try:
        app = create_app(
            {
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                "WTF_CSRF_ENABLED": False,
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": sink.port,
            }
        )
        with app.app_context():
            upgrade()
            load_seed(ROOT / "seed")
            accounts.create_user("bench@vcare.example", "editor", "vcare", "bench password 123", actor="bench")
            vcare = db.session.scalar(select(Processor).filter_by(slug="vcare"))
            db.session.execute(
                insert(Subscription),
                [
                    {
                        "processor_id": vcare.id,
                        "email": f"reader{n}@example.org",
                        "status": "confirmed",
                        "language": "en" if n % 2 else "nl",
                        "all_services": True,
                        "token": f"token-{n:06d}",
                    }
                    for n in range(args.subscribers)
                ],
            )
            db.session.commit()
            relax_commit_durability(db.engine)  # as `flask mail send` does (the web request keeps it on)
            db.session.remove()
        client = app.test_client()
        client.post("/login", data={"email": "bench@vcare.example", "password": "bench password 123"})
        for number in range(args.rounds):
            with app.app_context():
                vcare = db.session.scalar(select(Processor).filter_by(slug="vcare"))
                service = db.session.scalar(select(Service).filter_by(processor_id=vcare.id, key="operator"))
                editor = db.session.scalar(select(User).filter_by(email="bench@vcare.example"))
                item_id = save_draft(
                    editor,
                    vcare,
                    None,
                    {
                        "kind": "add",
                        "service_ids": [service.id],
                        "new_name": f"Acme Speech {number + 1}",
                        "reason": "Benchmark",
                        "effective_date": today() + timedelta(days=45),
                        "locations": [{"country": "NL", "place": None, "role": "processing", "transfer_basis": None}],
                    },
                ).id
                db.session.remove()
            started_wall, started = time.time(), time.perf_counter()
            response = client.post(f"/admin/processors/vcare/announcements/{item_id}/publish")
            publish_seconds = time.perf_counter() - started
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
            with app.app_context():
                db.session.remove()
                db.engine.dispose()  # so that the worker's connection gets the relaxed durability
                report = deliver("bench", once=True, batch=500, own_connection=True)
                _count, last = sink.status()
                queued = db.session.scalar(
                    select(func.count()).select_from(OutboxMessage).where(OutboxMessage.announcement_id == item_id)
                )
                if not ready:
                    ready = [
                        build(m).as_bytes()
                        for m in db.session.scalars(
                            select(OutboxMessage).where(OutboxMessage.announcement_id == item_id)
                        )
                    ]
            rounds.append((publish_seconds, queued, last - started_wall, report))
            plain_times.append(plain_loop(sink.port, ready))
    finally:
        sink.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    ratios = []
    for number, (publish_seconds, queued, ours, report) in enumerate(rounds):
        # The limit around this round: the plain loops just before and just after it.
        around = plain_times[max(number - 1, 0) : number + 1]
        plain_rate = len(ready) / (sum(around) / len(around))
        ratios.append(queued / ours / plain_rate)
        print(
            f"round {number + 1}: publish request {publish_seconds:.2f} s (goal < 1 s) for {queued} messages; "
            f"worker sent {report.sent}, retried {report.retried}, failed {report.failed}"
        )
        print(
            f"  publish to last accepted: {ours:6.2f} s = {queued / ours:7.1f} msg/s; plain loop around it "
            f"{' / '.join(f'{t:.2f}' for t in around)} s = {plain_rate:7.1f} msg/s; ratio {ratios[-1]:.2f}"
        )
    print(f"ratios {' '.join(f'{r:.2f}' for r in ratios)}; median {statistics.median(ratios):.2f}  (goal >= 0.70)")


if __name__ == "__main__":
    main()
