"""gRPC server interceptor: maps the error tree to status codes with details, and counts RPCs."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import grpc
from prometheus_client import Counter, Histogram

from services.common.errors import Internal, RegsieveError, Unavailable, to_status
from services.common.logs import get_logger

log = get_logger("regsieve.grpc")

RPC_HANDLED = Counter(
    "regsieve_grpc_server_handled_total",
    "RPCs completed, by method and status code.",
    ["grpc_service", "grpc_method", "grpc_code"],
)
RPC_SECONDS = Histogram(
    "regsieve_grpc_server_handling_seconds",
    "Time to handle an RPC (to the last message for streams).",
    ["grpc_service", "grpc_method"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)

_OWN_PREFIX = "/regsieve."


def _as_regsieve_error(exc: BaseException, method: str) -> RegsieveError:
    if isinstance(exc, RegsieveError):
        return exc
    if isinstance(
        exc,
        asyncpg.PostgresConnectionStatusError | asyncpg.CannotConnectNowError | ConnectionError,
    ) or (isinstance(exc, asyncpg.InterfaceError) and "connection" in str(exc)):
        log.warning("rpc.dependency_unavailable", method=method, error=str(exc))
        return Unavailable("a backing service is unavailable; retry later")
    if isinstance(exc, asyncio.TimeoutError):
        return Unavailable("a backing service timed out; retry later")
    log.exception("rpc.unexpected_error", method=method)
    return Internal("internal error; the server logged the details")


async def _abort(context: grpc.aio.ServicerContext, error: RegsieveError) -> None:
    status = to_status(error)
    await context.abort(
        error.code,
        error.message,
        trailing_metadata=(("grpc-status-details-bin", status.SerializeToString()),),
    )


def _split(method: str) -> tuple[str, str]:
    service, _, name = method.rpartition("/")
    return service.lstrip("/"), name


class ErrorInterceptor(grpc.aio.ServerInterceptor):
    """Wraps regsieve's own RPC handlers; health and reflection pass through untouched."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or not method.startswith(_OWN_PREFIX):
            return handler
        service, name = _split(method)
        if handler.unary_unary is not None:
            return grpc.unary_unary_rpc_method_handler(
                _wrap_unary(handler.unary_unary, method, service, name),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream is not None:
            return grpc.unary_stream_rpc_method_handler(
                _wrap_stream(handler.unary_stream, method, service, name),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        return handler


def _wrap_unary(
    behavior: Callable[..., Any], method: str, service: str, name: str
) -> Callable[..., Awaitable[Any]]:
    async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> Any:
        started = time.perf_counter()
        code = "OK"
        try:
            return await behavior(request, context)
        except grpc.aio.AbortError:
            code = str(context.code() or "ABORTED")
            raise
        except asyncio.CancelledError:
            code = "CANCELLED"
            raise
        except Exception as exc:
            error = _as_regsieve_error(exc, method)
            code = error.code.name
            await _abort(context, error)
        finally:
            RPC_HANDLED.labels(service, name, code).inc()
            RPC_SECONDS.labels(service, name).observe(time.perf_counter() - started)

    return wrapped


def _wrap_stream(
    behavior: Callable[..., Any], method: str, service: str, name: str
) -> Callable[..., AsyncIterator[Any]]:
    async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        started = time.perf_counter()
        code = "OK"
        try:
            result = behavior(request, context)
            if inspect.isasyncgen(result):
                async for item in result:
                    yield item
            else:
                await result
        except grpc.aio.AbortError:
            code = str(context.code() or "ABORTED")
            raise
        except asyncio.CancelledError:
            code = "CANCELLED"
            raise
        except Exception as exc:
            error = _as_regsieve_error(exc, method)
            code = error.code.name
            await _abort(context, error)
        finally:
            RPC_HANDLED.labels(service, name, code).inc()
            RPC_SECONDS.labels(service, name).observe(time.perf_counter() - started)

    return wrapped
