"""An email backend for development that prints one line per email instead of the whole MIME
message, so that `make run`'s output stays readable (EMAIL_CONSOLE_FULL=true prints it whole)."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend


class SummaryConsoleEmailBackend(EmailBackend):
    def write_message(self, message: EmailMessage) -> None:
        recipients = ", ".join(message.recipients())
        self.stream.write(
            f"email to {recipients}: {message.subject!r} "
            f"({len(message.body)} characters; EMAIL_CONSOLE_FULL=true prints whole emails)\n"
        )
