"""The entry points that are not HTTP: one module per event kind, each a thin handler.

    rollover.py          the midnight schedule: prepare the service day at every site
    stage_import.py      an S3 ObjectCreated under `imports/`: import the CSV's stages
    whatsapp_replies.py  an SQS message from the webhook: send the reply it names

Each module's `handle` reads the event, calls one use case and logs what it did. app.py
imports a module only inside its own handler, so none of them (nor the code they call)
is loaded by an API cold start; this package therefore imports nothing.
"""
