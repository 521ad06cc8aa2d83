package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.proxy.internal.request.ClientAddress;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.function.Consumer;

/**
 * What an {@link Exchange} needs of the client side it serves: an HTTP/1.1 connection, or one stream of an HTTP/2
 * connection. The exchange reads the request and writes the response as HTTP/1.1 messages through these methods and
 * never sees the channel behind them; what differs between the protocols is behind them.
 */
public interface ClientSide {

    /** Asks for the next message of the request: the exchange reads one at a time, as the backend takes them. */
    void read();

    /** Writes a piece of the response (its head, or a piece of its body), not flushed; nothing waits on the write. */
    void write(HttpObject part);

    /**
     * Writes the last message of a response (its end, a whole response, or the proxy's own answer) and flushes.
     *
     * @param awaited whether the caller needs the write's outcome; if not, the future returned is a void one, which
     *                can't be listened to: a promise per response is an allocation the keep-alive case does without
     */
    ChannelFuture writeLast(HttpObject last, boolean awaited);

    /** Flushes what was written. */
    void flush();

    /** Whether the client side takes writes without queueing them: when not, the exchange stops reading upstream. */
    boolean isWritable();

    /**
     * Answers the request with the proxy's own error response, {@code status} with {@code message} as its body, and
     * flushes.
     *
     * @param close whether the response says the connection closes after it
     * @return the write, done when the answer is
     */
    default ChannelFuture answer(HttpResponseStatus status, String message, boolean close) {
        return answer(status, message, close, headers -> { });
    }

    /**
     * As {@link #answer(HttpResponseStatus, String, boolean)}, with {@code fields} adding to the response's header
     * fields first (the routing header of a request that was routed).
     */
    ChannelFuture answer(HttpResponseStatus status, String message, boolean close, Consumer<HttpHeaders> fields);

    /** The client's address and whether it connected with TLS, as the forwarding headers give them. */
    ClientAddress address();

    /** Whether the connection should close after the exchange under way (the proxy is shutting down). */
    boolean isDraining();

    /** The proxy's count of live-colour changes when the client's connection opened. */
    long epoch();

    /** Relays a 1xx interim response (RFC 9110 §15.2) as the protocol frames it. */
    void writeInterim(HttpResponse interim);

    /**
     * Relays a {@code 101 Switching Protocols} and stops speaking HTTP on the client side: from now on the client's
     * bytes arrive raw. Only an HTTP/1.1 connection can: an exchange asks only when its request asked to upgrade.
     *
     * @return the context the tunnel writes the backend's bytes to and reads the client's from
     */
    ChannelHandlerContext startTunnel(HttpResponse switching);

    /**
     * The bytes the client sent right behind its request to upgrade, read before the backend's 101 came, or
     * {@code null}: the new protocol's first bytes, which the tunnel sends on before any it reads. Taken once, before
     * {@link #startTunnel}.
     */
    default ByteBuf takeBytesAfterUpgrade() {
        return null;
    }

    /**
     * Gives up on the client side at once, without waiting for what is queued for it: the HTTP/1.1 connection closes,
     * an HTTP/2 stream is reset. For when it can't go on (a request arrived while one was under way, a body failed
     * with no exchange to tell), and for a client that takes none of what is queued (the send timeout), behind which
     * a close would wait for ever.
     */
    void abandon();

    /**
     * The backend reset its HTTP/2 stream with {@code errorCode} after the response had started, and the exchange is
     * about to cut the response: an HTTP/2 client side resets its stream with the same code (RFC 9113 §8.1), so the
     * client learns what it would have from the backend itself (a gRPC client: {@code CANCEL} as
     * {@code CANCELLED}, not the proxy's {@code UNAVAILABLE} of a backend lost). An HTTP/1.1 connection closes, as
     * for any cut, so by default nothing is done here.
     */
    default void upstreamReset(long errorCode) {
    }

    /**
     * The exchange has ended; the next request may be read, or the connection closed.
     *
     * @param lastWrite the write of the response's end, or {@code null} if none (the response was cut short)
     * @param close     whether the connection must close once {@code lastWrite} is done
     */
    void exchangeEnded(ChannelFuture lastWrite, boolean close);
}
