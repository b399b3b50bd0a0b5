"""DynamoDB's errors turned into the store's: `ConditionFailed`, `Unavailable`, or re-raised."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pynamodb.connection.base import BOTOCORE_EXCEPTIONS
from pynamodb.exceptions import PynamoDBException

from chalicelib.core.errors import Unavailable

_RETRYABLE = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "LimitExceededException",
}
_CONDITION_FAILED = "ConditionalCheckFailedException"


class ConditionFailed(Exception):
    """A write's condition did not hold; `item` is the item as it stood, when DynamoDB
    returned it (`ReturnValuesOnConditionCheckFailure=ALL_OLD`; dynalite never does)."""

    def __init__(self, item: dict[str, Any] | None = None) -> None:
        super().__init__("condition failed")
        self.item = item


@contextmanager
def dynamodb_errors() -> Iterator[None]:
    """Turn a failed DynamoDB call into `ConditionFailed`, `Unavailable` (retryable), or re-raise."""
    try:
        yield
    except (PynamoDBException, *BOTOCORE_EXCEPTIONS) as error:
        cause = error.cause if isinstance(error, PynamoDBException) else error
        code = _error_code(cause)
        if code == _CONDITION_FAILED:
            raise ConditionFailed(_item_as_it_stood(cause)) from None
        if code in _RETRYABLE or code is None:
            # code None: no response at all (timeout, connection refused) after botocore's retries.
            raise Unavailable(f"dynamodb {code or type(cause).__name__}") from None
        raise


def conditional(write: Callable[[], object]) -> bool:
    """Run one conditional write: False when its condition did not hold, `Unavailable` when
    DynamoDB could not be reached."""
    try:
        with dynamodb_errors():
            write()
    except ConditionFailed:
        return False
    return True


def _error_code(cause: BaseException | None) -> str | None:
    """DynamoDB's error code, or None when no response arrived. Not `cause_response_code`:
    botocore's ReadTimeoutError/ConnectTimeoutError carry `response = None`, which makes
    PynamoDB 6.1's property raise AttributeError (a 500 instead of a 503)."""
    response = getattr(cause, "response", None)
    if not isinstance(response, dict):
        return None
    code = response.get("Error", {}).get("Code")
    return code if isinstance(code, str) else None


def _item_as_it_stood(cause: BaseException | None) -> dict[str, Any] | None:
    """The item a refused write returned. PynamoDB re-raises botocore's error without it,
    keeping the original as `__cause__`."""
    for error in (cause, getattr(cause, "__cause__", None)):
        response = getattr(error, "response", None)
        item: object = response.get("Item") if isinstance(response, dict) else None
        if isinstance(item, dict):
            return item
    return None


def put_unless(record: Any, condition: Any) -> None:
    """Put `record` (a PynamoDB model instance) if `condition` holds, else `ConditionFailed`
    carrying the item as it stood where the backend returns it (DynamoDB and moto do; dynalite
    does not): a refused claim then tells what is in its way without a second call."""
    args, kwargs = record._get_save_args(condition=condition)
    connection = type(record)._get_connection().connection
    request = connection.get_operation_kwargs(
        type(record).Meta.table_name,
        *args,
        key="Item",
        **kwargs,
        return_values_on_condition_failure="ALL_OLD",
    )
    with dynamodb_errors():
        connection.dispatch("PutItem", request)
