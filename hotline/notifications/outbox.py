"""Queueing messages to requesters through the channel they used (R3, R5,
R6, R9). The texts are what a Fuzhou requester reads, so they are Chinese
whatever the staff member's UI language is."""

from .models import Message

# R3(8): the requester is told to call an emergency line at once.
EMERGENCY_ADVICE = (
    "如遇紧急情况，请立即拨打110（报警）、119（火警）、120（急救）或122（交通事故）等紧急求助电话。"
)

TEXTS = {
    Message.Kind.ACKNOWLEDGEMENT: "您的诉求已登记，编号{number}。我们将按规定时限办理并答复。",
    Message.Kind.REFUSAL: "您反映的诉求（编号{number}）不予受理，原因：{reason}。",
    Message.Kind.DECLINED: (
        "您反映的诉求（编号{number}）此前已{count}次按时答复，根据规定不再重复批转办理。"
    ),
    # R6: the exact words of the regulation.
    Message.Kind.INTERNAL_HANDLING: "您所反映的问题已转由{unit}内部办理",
    Message.Kind.RESULT: "您反映的诉求（编号{number}）办理结果：{result}",
}

# Phone cases are answered by SMS to the caller's number; the others on the
# channel they came by, and web cases by SMS when a mobile was given.
REPLY_CHANNEL = {
    "phone": "sms",
    "sms": "sms",
    "fax": "fax",
    "email": "email",
    "web": "sms",
    "api": "sms",
}


def tell_requester(case, kind: str, **values) -> Message:
    requester = case.requester
    channel = REPLY_CHANNEL[case.channel]
    recipient = requester.email if channel == "email" else requester.phone
    text = TEXTS[kind].format(number=case.number, **values)
    return Message.objects.create(
        case=case, kind=kind, channel=channel, recipient=recipient, text=text
    )
