"""Tasks of Django's tasks framework (``django.tasks``), all on the default queue, so that a
plain ``manage.py db_worker`` sends everything."""

from django.tasks import task

from .delivery import confirmation_send, deliveries_send


@task()
def send_deliveries(delivery_ids: list[int], attempt: int = 0) -> dict:
    """Send one batch of notice deliveries over one SMTP connection; retried later on failure."""
    return deliveries_send(delivery_ids=delivery_ids, attempt=attempt)


@task()
def send_confirmation(subscriber_id: int) -> bool:
    """Send the double opt-in confirmation email."""
    return confirmation_send(subscriber_id=subscriber_id)
