"""How a message leaves: one backend per channel, chosen in settings
(HOTLINE_CHANNELS). A backend's send() returns when the message has been
handed over, or raises ChannelError."""

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

log = logging.getLogger("hotline.outbox")


class ChannelError(Exception):
    pass


def sign(secret: str, body: bytes) -> str:
    """The signature header both ways between Hotline and the SMS gateway:
    "sha256=" + hex HMAC-SHA256 of the raw request body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class LogChannel:
    """For the demo and development: writes the message to the log."""

    def __init__(self, name="log"):
        self.name = name

    def send(self, message) -> None:
        log.info("%s to %s: %s", self.name, message.recipient, message.text)


class SmsGateway:
    """A generic JSON POST, so a city can point it at its provider:

        POST {url}
        Content-Type: application/json
        Idempotency-Key: <message key>
        X-Hotline-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>

        {"key": "<uuid>", "to": "13800000000", "text": "..."}

    Any 2xx is success. The key is the same on every attempt of one message,
    so a gateway that honours it delivers a retried message once."""

    def __init__(self, url: str, secret: str, timeout: float = 10):
        self.url, self.secret, self.timeout = url, secret, timeout

    def send(self, message) -> None:
        if not message.recipient:
            raise ChannelError("no mobile number")
        body = json.dumps(
            {"key": str(message.key), "to": message.recipient, "text": message.text},
            ensure_ascii=False,
        ).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": str(message.key),
                "X-Hotline-Signature": sign(self.secret, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                if not 200 <= response.status < 300:
                    raise ChannelError(f"gateway answered {response.status}")
        except urllib.error.HTTPError as error:
            raise ChannelError(f"gateway answered {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise ChannelError(f"gateway unreachable: {error}") from error


class EmailChannel:
    """Through Django's email backend (SMTP in production). The Message-ID is
    the message's key, so a repeat can be recognised downstream."""

    subject = "12345便民服务热线"

    def address(self, message) -> str:
        return message.recipient

    def send(self, message) -> None:
        to = self.address(message)
        if not to:
            raise ChannelError("no address")
        email = EmailMessage(
            subject=self.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            headers={"Message-ID": f"<{message.key}@hotline>"},
        )
        try:
            email.send()
        except OSError as error:
            raise ChannelError(f"mail server: {error}") from error


class FaxChannel(EmailChannel):
    """An email-to-fax gateway: the fax number at the gateway's domain."""

    def __init__(self, domain: str):
        self.domain = domain

    def address(self, message) -> str:
        digits = "".join(c for c in message.recipient if c.isdigit())
        return f"{digits}@{self.domain}" if digits else ""


class CallbackChannel:
    """A phone case: the message becomes a task in the agents' queue."""

    def send(self, message) -> None:
        from .models import CallbackTask

        CallbackTask.objects.get_or_create(message=message)


def channel(name: str):
    config = settings.HOTLINE_CHANNELS[name]
    return import_string(config["backend"])(**config.get("options", {}))
