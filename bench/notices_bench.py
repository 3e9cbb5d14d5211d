"""Notices (issue 6 goals): publishing to 100,000 subscribers enqueues in under 10 s; the
sender's throughput to a local SMTP sink is at least 0.8 of plain ``smtplib`` sending the same
messages to the same sink in the same run.

Each part runs in a child process on a fresh SQLite database in a temporary directory, with the
default tasks backend (django-tasks-db). The SMTP sink is aiosmtpd's ``Sink`` handler in its own
process on loopback, so that it does not share the interpreter with the sender.

    PYTHONPATH=. .venv/bin/python -m bench notices_bench [--subscribers 100000] [--messages 2000]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUBLISH_GOAL_SECONDS = 10.0
THROUGHPUT_GOAL = 0.8


def main(argv: list[str] | None = None) -> None:
    options = parse(argv if argv is not None else [])
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
         "-c", "aiosmtpd.handlers.Sink"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        for part in ("publish", "send"):
            with tempfile.TemporaryDirectory(prefix="bench-notices-") as tmp:
                env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                       "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "false",
                       "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnop",
                       "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port),
                       "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
                subprocess.run([sys.executable, "-m", "bench.notices_bench", part,
                                "--subscribers", str(options.subscribers),
                                "--messages", str(options.messages),
                                "--rounds", str(options.rounds)],
                               cwd=ROOT, env=env, check=True)
    finally:
        sink.terminate()
        sink.wait(timeout=10)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.notices_bench")
    parser.add_argument("part", nargs="?", choices=("publish", "send"))
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=5)
    return parser.parse_args(argv)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("the SMTP sink did not start")


# --- in the child process ---------------------------------------------------------------------


def run(options: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if options.part == "publish":
        publish(options.subscribers)
    else:
        send(options.messages, options.rounds)


def notice_create():
    from django.utils import timezone

    from notices.models import Notice
    from registry.models import Category, SubProcessor

    sub_processor = SubProcessor.objects.create(
        slug="bench", name="Bench Ltd", category=Category.objects.get(slug="analytics"),
        purpose_en="Benchmarks", headquarters="US",
    )
    return Notice.objects.create(
        sub_processor=sub_processor, slug="bench", kind="changed",
        title_en="Change to sub-processor Bench Ltd", title_zh_hans="子处理者变更：Bench Ltd",
        body_en="It will also process personal data in: Japan.",
        body_zh_hans="其新增的个人数据处理地点：日本。", published_at=timezone.now(),
    )


def subscribers_create(count: int) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from notices.models import Subscriber

    confirmed = timezone.now() - timedelta(days=1)
    Subscriber.objects.bulk_create(
        [Subscriber(email=f"s{i:06d}@example.com", language="zh-hans" if i % 3 else "en",
                    confirmed_at=confirmed) for i in range(count)],
        batch_size=5_000,
    )


def publish(count: int) -> None:
    from django_tasks_db.models import DBTaskResult

    from notices.models import Delivery, Notice
    from notices.services import notices_publish

    print(f"publish a notice to {count:,} confirmed subscribers (django-tasks-db backend)")
    subscribers_create(count)
    notice = notice_create()
    Notice.objects.filter(pk=notice.pk).update(status="draft", published_at=None)
    start = time.perf_counter()
    notices_publish(notices=[notice], actor="bench")
    seconds = time.perf_counter() - start
    deliveries = Delivery.objects.count()
    tasks = DBTaskResult.objects.count()
    verdict = "ok" if seconds < PUBLISH_GOAL_SECONDS and deliveries == count else "BELOW GOAL"
    print(f"  {deliveries:,} deliveries, {tasks} tasks enqueued in {seconds:.2f} s "
          f"(goal < {PUBLISH_GOAL_SECONDS:.0f} s) {verdict}")


def send(count: int, rounds: int) -> None:
    import email.policy
    import smtplib

    from django.conf import settings
    from django.core import mail

    from notices.delivery import deliveries_send
    from notices.emails import notice_email
    from notices.models import Delivery, Subscriber

    print(f"send {count:,} notice emails to an SMTP sink: the sender vs plain smtplib")
    options = settings.MAILERS["default"]["OPTIONS"]
    notice = notice_create()
    subscribers_create(count)
    ratios = []
    for round_number in range(rounds):
        Delivery.objects.all().delete()
        Delivery.objects.bulk_create(
            [Delivery(notice=notice, subscriber_id=pk)
             for pk in Subscriber.objects.order_by("pk").values_list("pk", flat=True)],
            batch_size=5_000,
        )
        ids = list(Delivery.objects.order_by("pk").values_list("pk", flat=True))
        # The same messages, as bytes, for the baseline.
        messages = [
            (delivery.subscriber.email,
             notice_email(delivery).message(policy=email.policy.SMTP).as_bytes())
            for delivery in Delivery.objects.select_related("notice", "subscriber")
            .order_by("pk")
        ]
        with mail.mailers.default as connection:
            connection.connection.noop()  # the sender also opens one connection first

        start = time.perf_counter()
        # The same connection options as the sender's (host, port, timeout).
        with smtplib.SMTP(options["host"], options["port"], timeout=options["timeout"]) as smtp:
            for recipient, raw in messages:
                smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [recipient], raw)
        baseline = count / (time.perf_counter() - start)

        start = time.perf_counter()
        counts = deliveries_send(delivery_ids=ids)
        sender = count / (time.perf_counter() - start)
        assert counts["sent"] == count, counts
        ratios.append(sender / baseline)
        print(f"  round {round_number + 1}: sender {sender:.0f} msg/s, smtplib {baseline:.0f} "
              f"msg/s, ratio {sender / baseline:.2f}")
    ratio = statistics.median(ratios)
    verdict = "ok" if ratio >= THROUGHPUT_GOAL else "BELOW GOAL"
    print(f"  median ratio {ratio:.2f} (goal >= {THROUGHPUT_GOAL}) {verdict}")


if __name__ == "__main__":
    arguments = parse(sys.argv[1:])
    if arguments.part:
        run(arguments)
    else:
        main(sys.argv[1:])
