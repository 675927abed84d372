"""The hotline's inbound mailbox: an SMTP receiver (aiosmtpd) that turns
each mail into an inbound message, attachments kept."""

from asgiref.sync import sync_to_async

from .inbound import receive_email


class MailboxHandler:
    async def handle_DATA(self, server, session, envelope):
        await sync_to_async(receive_email, thread_sensitive=False)(envelope.original_content)
        return "250 Message accepted"


def controller(host: str, port: int):
    from aiosmtpd.controller import Controller

    return Controller(MailboxHandler(), hostname=host, port=port)
