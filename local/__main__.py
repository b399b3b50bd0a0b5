"""`python -m local serve` (make run), `python -m local token ROLE` (make token) and
`python -m local import FILE` (make import)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path


def _serve(port: int, dynamodb_port: int) -> None:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    os.environ.setdefault("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
    embedded = None
    if not os.environ.get("AWS_ENDPOINT_URL_DYNAMODB"):
        from local.embedded_dynamodb import EmbeddedDynamoDB

        try:  # on a fixed port, so that `make import` (another process) can write to it too
            embedded = EmbeddedDynamoDB(port=dynamodb_port).start()
        except OSError as error:
            sys.exit(
                f"127.0.0.1:{dynamodb_port} is taken ({error.strerror}): set DYNAMODB_PORT=<another> for make run"
            )
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = embedded.endpoint

    from app import app
    from chalicelib import runtime
    from chalicelib.settings import settings
    from chalicelib.store.models import create_missing_tables
    from local.demo import seed
    from local.http_server import HttpServer
    from local.importing import remove_state, write_state

    store = runtime.store()
    create_missing_tables()
    demo = seed(store)
    server = HttpServer(app, port=port)
    config = settings()
    endpoint = os.environ["AWS_ENDPOINT_URL_DYNAMODB"]
    backend = f"embedded moto on {endpoint} (linearizable)" if embedded else endpoint
    state = write_state(endpoint, server.url, config.table_prefix)
    print(
        "\n".join(
            [
                f"loket is serving on {server.url}  (DynamoDB: {backend})",
                f"  site {config.default_site}, default quota {config.default_quota}, time zone {config.time_zone_name}",
                "Demo NIKs (fake, serial 9xxx):",
                *demo,
                "Try:",
                f"  curl -s {server.url}/v1/quota",
                f'  curl -s -X POST {server.url}/v1/status -d \'{{"nik": "3505124509909001"}}\'',
                f'  curl -s -X POST {server.url}/v1/tickets -d \'{{"nik": "3505124509909001"}}\'',
                f"Import stages: make import FILE=local/sample-export.csv   (finds DynamoDB in {state.name})",
                "Admin token:  make token ROLE=admin   (or ROLE=staff)",
                "Ctrl-C stops.",
            ]
        ),
        flush=True,
    )
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as Ctrl-C does: state file removed
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        remove_state()
        if embedded:
            embedded.stop()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _token(role: str, subject: str) -> None:
    from chalicelib.http.auth import ROLES, mint
    from chalicelib.settings import secret, settings

    if role not in ROLES:
        sys.exit(f"ROLE must be one of {', '.join(ROLES)}")
    config = settings()
    token = mint(role, subject, secret("LOKET_JWT_SECRET"), config.jwt_issuer, config.jwt_audience)  # type: ignore[arg-type]
    print(token)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m local")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument(
        "--dynamodb-port",
        type=int,
        default=int(os.environ.get("DYNAMODB_PORT") or "8001"),
        help="embedded DynamoDB's",
    )
    stages = commands.add_parser("import", help="import a stage CSV into what `make run` serves")
    stages.add_argument("file", type=Path)
    token = commands.add_parser("token")
    token.add_argument("role")
    token.add_argument("--subject", default=os.environ.get("USER", "local-operator"))
    args = parser.parse_args()
    if args.command == "serve":
        _serve(args.port, args.dynamodb_port)
    elif args.command == "import":
        from local.importing import main as import_main

        sys.exit(import_main(args.file, sys.stdout))
    else:
        _token(args.role, args.subject)


if __name__ == "__main__":
    main()
