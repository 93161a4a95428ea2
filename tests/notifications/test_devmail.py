"""make run's console email: one line per message unless EMAIL_CONSOLE_FULL asks for all."""

from __future__ import annotations

from io import StringIO

from django.core.mail import EmailMultiAlternatives

from modulith.ops.devmail import SummaryConsoleEmailBackend


def test_the_summary_backend_prints_one_line_per_email() -> None:
    stream = StringIO()
    message = EmailMultiAlternatives(
        "Welcome to the shop", "Hello,\nyour account is ready.", to=["a@example.com"]
    )
    message.attach_alternative("<p>Hello</p>", "text/html")

    sent = SummaryConsoleEmailBackend(stream=stream).send_messages([message, message])

    assert sent == 2
    lines = stream.getvalue().splitlines()
    assert (
        lines
        == [
            "email to a@example.com: 'Welcome to the shop' (29 characters; "
            "EMAIL_CONSOLE_FULL=true prints whole emails)"
        ]
        * 2
    )
