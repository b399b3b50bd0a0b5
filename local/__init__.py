"""Running loket on one machine: an embedded DynamoDB, a threaded HTTP server, demo data.

Not shipped to Lambda (chalice packages only app.py and chalicelib/).
"""
