"""What the test tiers share, imported by test modules and conftest files alike (a conftest
holds fixtures only; nothing imports a conftest or a test module: tests/unit/test_test_layout.py).

- `api_client`: the app called as API Gateway would, in-process; a clock the test moves; tokens.
- `servers`: the DynamoDB backends (in-process moto, embedded moto server, dynalite) and the
  local HTTP server, with the fixtures a tier's conftest imports.
- `residents`: valid, fake NIKs. `counters`: a day's counter item as stored. `load`: many
  requests from many threads.
- `faults`: faults injected at botocore. `browser`: the browser tier's Chromium and page.
- `stage_import`: the S3 import as a test drives it. `templates`: reading a packaged template.
- `whatsapp`: captured payloads, signing, a stand-in Graph API.
- `tiers`: the markers (`slow`, `integration`, ...) each tier's tests get from their directory.
"""
