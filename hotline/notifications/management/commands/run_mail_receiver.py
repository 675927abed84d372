import signal
import threading

from django.core.management.base import BaseCommand

from hotline.notifications.mailbox import controller


class Command(BaseCommand):
    help = "Receive the public's email by SMTP and turn each mail into an inbound message."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8025)

    def handle(self, *args, host, port, **options):
        receiver = controller(host, port)
        receiver.start()
        self.stdout.write(f"Receiving mail on {host}:{port}")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            receiver.stop()
