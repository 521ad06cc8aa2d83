package dev.bluegreen.proxy.internal.exchange;

import static dev.bluegreen.proxy.internal.exchange.ExchangeState.CONNECTING;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.ENDED;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.TUNNEL;

import dev.bluegreen.proxy.internal.grpc.GrpcHeaders;
import dev.bluegreen.proxy.internal.metrics.FailureLog.Kind;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;

/**
 * The ends the proxy puts to an exchange on its own clock: the response timeout (the backend silent: 504), the send
 * timeout (the client takes none of the response, or a tunnel's side of its bytes: cut), the drain deadline and the
 * end of a stop's grace period (what is still under way: ended as gracefully as its protocol allows). It decides by
 * where the exchange is; the exchange carries it out.
 * Stateless; runs on the exchange's event loop.
 */
final class Cutoffs {

    private Cutoffs() {
    }

    /**
     * The loop's periodic sweep (one timer per event loop, not one per exchange: scheduling and cancelling a timer
     * per request cost a few per cent of the proxy's CPU): 504 if the backend was silent for the response timeout;
     * the response cut if the client took none of it for the send timeout ({@link Progress}); a tunnel cut if a side
     * took none of its bytes for the send timeout ({@link Tunnel#stalledFor}).
     */
    static void sweep(Exchange exchange, long nowNanos) {
        ExchangeServices services = exchange.services();
        if (exchange.state() == TUNNEL) {
            Duration send = services.config().timeouts().send();
            if (exchange.tunnel().stalledFor(nowNanos, send.toNanos())) {
                services.failures().warn(Kind.STALLED_CLIENT, "{}: a side of the tunnel took none of its bytes for "
                        + "the send timeout ({} ms); cut", exchange, send.toMillis());
                exchange.tunnel().cut();
            }
            return;
        }
        Progress.Overdue overdue = exchange.state().waitsForBackend()
                ? exchange.progress().overdue(nowNanos, services.config().timeouts()) : Progress.Overdue.NONE;
        if (overdue == Progress.Overdue.CLIENT_STALLED) {
            services.failures().warn(Kind.STALLED_CLIENT, "{}: the client took none of the response for the send"
                    + " timeout; cut", exchange);
            exchange.cutForStalledClient();
        } else if (overdue == Progress.Overdue.BACKEND_SILENT) {
            long millis = services.config().timeouts().response().toMillis();
            services.failures().warn(Kind.SILENT_BACKEND, "504: the backend was silent for {} ms: {}", millis,
                    exchange);
            exchange.failUpstream(HttpResponseStatus.GATEWAY_TIMEOUT,
                    "the backend did not answer within " + millis + " ms");
        }
    }

    /**
     * The drain deadline, or the end of a stop's grace period when {@code stopping}. A tunnel goes away (a WebSocket
     * with its close frames). A request the backend has not started to answer gets the proxy's own answer, as at any
     * timeout: {@code 504} once something of it was sent (the backend had it and did not answer in time), {@code 503}
     * while it was still connecting (it never reached one); the client connection stays open for its next request
     * unless the request's body was cut (or the proxy is stopping). A gRPC call is the exception: it is ended as
     * {@code UNAVAILABLE} by its stream ({@code GrpcCallEnd}). Anything else, a response under way, is cut: the client
     * never takes it for whole.
     */
    static void atDeadline(Exchange exchange, boolean stopping) {
        ExchangeState state = exchange.state();
        if (state == ENDED) {
            return;
        }
        ExchangeServices services = exchange.services();
        if (state == TUNNEL) {
            exchange.tunnel().goAway();
        } else if (state.beforeResponse() && !GrpcHeaders.isGrpc(exchange.head().headers())) {
            String pool = exchange.colour().label();
            String deadline = stopping ? "the proxy stopped" : "the " + pool + " pool's drain deadline";
            HttpResponseStatus status = state == CONNECTING ? HttpResponseStatus.SERVICE_UNAVAILABLE
                    : HttpResponseStatus.GATEWAY_TIMEOUT;
            services.failures().warn(Kind.DRAIN_DEADLINE, "{}: {} as {}", exchange, status.code(),
                    stopping ? "the proxy stopped" : "its drain deadline came");
            exchange.failUpstream(status, status == HttpResponseStatus.SERVICE_UNAVAILABLE
                    ? "no backend of the " + pool + " pool connected before " + deadline
                    : "the backend did not answer before " + deadline);
        } else {
            services.failures().warn(Kind.DRAIN_DEADLINE, "{}: closed as {}", exchange,
                    stopping ? "the proxy stopped" : "its drain deadline came");
            exchange.abort();
        }
    }
}
