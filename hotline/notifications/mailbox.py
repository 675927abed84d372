"""The hotline's inbound mailbox: an SMTP receiver (aiosmtpd) that turns
each mail into an inbound message, attachments kept."""

import logging

from asgiref.sync import sync_to_async
from django.db import close_old_connections

from .inbound import receive_email

log = logging.getLogger("hotline.inbound")


def _store(raw: bytes) -> None:
    close_old_connections()
    try:
        receive_email(raw)
    finally:
        close_old_connections()


class MailboxHandler:
    async def handle_DATA(self, server, session, envelope):
        try:
            await sync_to_async(_store, thread_sensitive=False)(envelope.original_content)
        except Exception:
            # A temporary failure: the sending server keeps the mail and
            # tries again, so nothing is lost.
            log.exception("could not store an inbound mail")
            return "451 Requested action aborted: local error in processing"
        return "250 Message accepted"


def controller(host: str, port: int):
    from aiosmtpd.controller import Controller

    return Controller(MailboxHandler(), hostname=host, port=port)
