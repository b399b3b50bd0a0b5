"""A JSON answer's `days` as CSV, for `Accept: text/csv` (the report, for a spreadsheet)."""

from __future__ import annotations

import csv
import io
import json

from chalice.app import Request, Response

from chalicelib.http.edge import header


def wants_csv(request: Request | None) -> bool:
    accept = (header(request.headers if request else None, "accept") or "").lower()
    return "text/csv" in accept


def as_csv(response: Response, name: str) -> Response:
    body = response.body if isinstance(response.body, dict) else json.loads(response.body)
    rows = body["days"]
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    headers = {
        **{k: v for k, v in (response.headers or {}).items() if k.lower() != "content-type"},
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{name}.csv"',
    }
    return Response(body=out.getvalue(), status_code=200, headers=headers)
