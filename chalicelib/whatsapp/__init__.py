"""Where WhatsApp is spoken: Meta's Cloud API webhook in, replies out through the Graph API.

    handlers.py   the two webhook routes, as app.py calls them
    signature.py  X-Hub-Signature-256 over the raw body
    payloads.py   the text messages inside a webhook payload
    commands.py   STATUS / ANTRE / BATAL / JADWAL / POSISI / KUOTA / help, as residents type them
    day_words.py  the day after ANTRE <NIK> (besok, senin, 5/12), read in the local date
    invitations.py ANTRE, BATAL, JADWAL, POSISI through the ticket use cases
    replies.py    the reply wording
    texts.py      the replies' texts, Indonesian and English
    inbox.py      exactly once: claim each message id, work out its reply, queue it
    outbox.py     send queued replies: one code path for the SQS worker and the local drain
    graph.py      a small Graph API client on urllib3 (already loaded with botocore)
    config.py     WHATSAPP_* settings and secrets

Imported only by the WhatsApp routes and the reply worker (`chalicelib.events.whatsapp_replies`),
so a status lookup does not pay for it.
"""
