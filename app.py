"""loket: the whole surface of the service on one screen. See README.md and openapi.yaml."""

from chalice.app import AuthRequest, AuthResponse, Cron, Rate, Response

from chalicelib.http import handlers
from chalicelib.http.csv_answers import as_csv, wants_csv
from chalicelib.http.edge import Edge, LoketChalice, answer_other_methods, authorize

app = LoketChalice(app_name="loket")
edge = Edge(app)
# chalice lets every label through; `requests.json_object` refuses all but application/json
# (415), more strictly than chalice would. The webhook reads its raw body itself.
ANY_BODY = ["*/*"]


# API Gateway keeps the authorizer's verdict on a token this long; with this instance's own
# memory of Cognito's answer (staff_identity.VERDICT_SECONDS), a disabled person is refused
# within 5 minutes at most.
AUTHORIZER_TTL_SECONDS = 240


@app.authorizer(ttl_seconds=AUTHORIZER_TTL_SECONDS)
def bearer(auth_request: AuthRequest) -> AuthResponse:
    return authorize(auth_request)


# --- residents ------------------------------------------------------------------------------


@app.route("/v1/health", methods=["GET"])
def health() -> Response:
    return edge(handlers.health)


@app.route("/v1/status", methods=["POST"], content_types=ANY_BODY)
def status() -> Response:
    return edge(handlers.post_status)


@app.route("/v1/quota", methods=["GET"])
def quota() -> Response:
    return edge(handlers.get_quota)


@app.route("/v1/sites", methods=["GET"])
def sites() -> Response:
    return edge(handlers.get_sites)


@app.route("/v1/sites/{site}", methods=["GET"])
def site(site: str) -> Response:
    return edge(handlers.get_site, site=site)


@app.route("/v1/tickets", methods=["POST"], content_types=ANY_BODY)
def tickets() -> Response:
    return edge(handlers.post_ticket)


@app.route("/v1/tickets/{code}", methods=["GET"])
def ticket(code: str) -> Response:
    return edge(handlers.get_ticket, code=code)


@app.route("/v1/tickets/{code}", methods=["DELETE"])
def cancel_ticket(code: str) -> Response:
    return edge(handlers.delete_ticket, code=code)


@app.route("/v1/queue", methods=["GET"])
def queue() -> Response:
    response = edge(handlers.get_queue)
    if response.status_code == 200:  # every waiting phone polls it: shared for a few seconds
        response.headers["Cache-Control"] = "public, max-age=5"
    return response


@app.route("/v1/days", methods=["GET"])
def booking_days() -> Response:
    return edge(handlers.get_days)


@app.route("/v1/verifications", methods=["POST"], content_types=ANY_BODY)
def verifications() -> Response:
    return edge(handlers.post_verification)


@app.route("/v1/verifications/{verification_id}", methods=["GET"])
def verification(verification_id: str) -> Response:
    return edge(handlers.get_verification, verification_id=verification_id)


# --- staff sessions (Cognito user pool) -----------------------------------------------------


@app.route("/v1/sessions", methods=["POST"], content_types=ANY_BODY)
def sessions() -> Response:
    return edge(handlers.post_session)


@app.route("/v1/sessions/refresh", methods=["POST"], content_types=ANY_BODY)
def session_refresh() -> Response:
    return edge(handlers.post_session_refresh)


@app.route("/v1/sessions", methods=["DELETE"])
def sign_out() -> Response:
    return edge(handlers.delete_session)


# --- administrators and staff ---------------------------------------------------------------


@app.route("/v1/admin/me", methods=["GET"], authorizer=bearer)
def admin_me() -> Response:
    return edge(handlers.admin_get_me)


@app.route("/v1/admin/tickets", methods=["POST"], authorizer=bearer, content_types=ANY_BODY)
def admin_tickets() -> Response:
    return edge(handlers.admin_post_ticket)


@app.route("/v1/admin/checkins", methods=["POST"], authorizer=bearer, content_types=ANY_BODY)
def admin_checkins() -> Response:
    return edge(handlers.admin_post_checkin)


@app.route("/v1/admin/calls", methods=["POST"], authorizer=bearer, content_types=ANY_BODY)
def admin_calls() -> Response:
    return edge(handlers.admin_post_call)


@app.route("/v1/admin/tickets/{code}", methods=["PUT"], authorizer=bearer, content_types=ANY_BODY)
def admin_ticket(code: str) -> Response:
    return edge(handlers.admin_put_ticket, code=code)


@app.route("/v1/admin/report", methods=["GET"], authorizer=bearer)
def admin_report() -> Response:
    response = edge(handlers.admin_get_report)
    return (
        as_csv(response, "report")
        if wants_csv(app.current_request) and response.status_code == 200
        else response
    )


@app.route("/v1/admin/advice", methods=["GET"], authorizer=bearer)
def admin_advice() -> Response:
    return edge(handlers.admin_get_advice)


@app.route("/v1/admin/quota", methods=["GET"], authorizer=bearer)
def admin_quota() -> Response:
    return edge(handlers.admin_get_quota)


@app.route("/v1/admin/quota/default", methods=["PUT"], authorizer=bearer, content_types=ANY_BODY)
def admin_default_quota() -> Response:
    return edge(handlers.put_default_quota)


@app.route("/v1/admin/quota/{day}", methods=["PUT"], authorizer=bearer, content_types=ANY_BODY)
def admin_day_quota(day: str) -> Response:
    return edge(handlers.put_day_quota, day=day)


@app.route("/v1/admin/applications", methods=["POST"], authorizer=bearer, content_types=ANY_BODY)
def admin_applications() -> Response:
    return edge(handlers.post_application)


@app.route("/v1/admin/audit", methods=["GET"], authorizer=bearer)
def admin_audit() -> Response:
    return edge(handlers.get_audit)


# --- events ---------------------------------------------------------------------------------


@app.schedule(Cron(0, 17, "*", "*", "?", "*"), name="rollover")
def rollover(event: object) -> dict[str, object]:
    from chalicelib.events.rollover import handle

    return handle(event)


@app.schedule(Rate(5, unit=Rate.MINUTES), name="repair")
def repair(event: object) -> dict[str, int]:
    from chalicelib.events.repair import handle

    return handle(event)


# S3 `imports/*` ObjectCreated notifications invoke this function. `chalice package`
# cannot express @app.on_s3_event, so the bucket, its notification and the invoke
# permission are declared in infra/ (the merge template).
@app.lambda_function(name="stage_import")
def stage_import(event: dict[str, object], context: object) -> list[dict[str, object]]:
    from chalicelib.events.stage_import import handle  # csv, boto3's S3 client: off the API's cold start

    return handle(event, context)


# --- the residents' web page ----------------------------------------------------------------


@app.route("/", methods=["GET"])
def web_page() -> Response:
    from chalicelib import web  # read at the first request for the page, never on an API cold start

    return web.page(app.current_request)


@app.route("/layar", methods=["GET"])
def display_page() -> Response:
    from chalicelib import web

    return web.display(app.current_request)


@app.route("/kantor", methods=["GET"])
def office_page() -> Response:
    from chalicelib import web

    return web.office(app.current_request)


# --- WhatsApp Cloud API webhook (chalicelib/whatsapp/, imported only here) -------------------


@app.route("/v1/whatsapp/webhook", methods=["GET"])
def whatsapp_verify() -> Response:
    from chalicelib.whatsapp.handlers import verify_subscription

    return verify_subscription(app.current_request)


@app.route("/v1/whatsapp/webhook", methods=["POST"], content_types=ANY_BODY)
def whatsapp_webhook() -> Response:
    from chalicelib.whatsapp.handlers import receive_webhook

    return edge(receive_webhook)


# Replies queued by the webhook are sent here (SQS message body: the WhatsApp message id).
@app.on_sqs_message(queue="loket-whatsapp-replies", batch_size=1, name="whatsapp_replies")
def whatsapp_replies(event: object) -> None:
    from chalicelib.events.whatsapp_replies import handle

    handle(event)


# Wrong methods answer 405 from a route of ours, so API Gateway (which would say 403) agrees.
answer_other_methods(app, edge)
