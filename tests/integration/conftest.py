"""The integration tier: the same tests on in-process moto, the embedded moto server and dynalite."""

from tests.support.servers import (  # noqa: F401  (fixtures)
    dynalite_endpoint,
    http_server,
    moto_server_endpoint,
    moto_server_staff_pool,
    moto_server_store,
)
