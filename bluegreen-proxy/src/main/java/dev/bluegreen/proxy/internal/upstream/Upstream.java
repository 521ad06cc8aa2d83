package dev.bluegreen.proxy.internal.upstream;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A connection to one backend, as the exchange using it sees it: where the request goes and the response comes from.
 * Taken from a pool with {@link UpstreamPools#acquire}, given back with {@link #release}; one exchange at a time.
 * The HTTP/1.1 kind is {@link Http1Upstream}; an HTTP/2 kind would hand out one stream per exchange.
 *
 * <p>Every method runs on the event loop of the client connection that uses it, which is also this connection's.
 */
public interface Upstream {

    /** The colour whose pool this connection belongs to. */
    Colour colour();

    /** The backend it is connected to. */
    Backend backend();

    /** Whether it served a request before: a reused connection may turn out stale, a new one may not. */
    boolean reused();

    /**
     * Whether the backend declined the request unprocessed (RFC 9113 §8.7: an HTTP/2 stream left out of its GOAWAY,
     * or reset with {@code REFUSED_STREAM}), which may be sent again to it on another connection.
     */
    default boolean refused() {
        return false;
    }

    /**
     * How the backend ended it, for the proxy's answer when that came before any response: {@code closed the
     * connection}, or, for an HTTP/2 stream it reset, {@code reset the stream (INTERNAL_ERROR)}.
     */
    default String endedAs() {
        return "closed the connection";
    }

    /**
     * The proxy's answer when it ended before any response: {@code 502}, unless the request never went out because
     * the backend takes no such request ({@code 431}: header fields over its {@code SETTINGS_MAX_HEADER_LIST_SIZE}).
     */
    default HttpResponseStatus answerStatus() {
        return HttpResponseStatus.BAD_GATEWAY;
    }

    /**
     * The error code of the {@code RST_STREAM} with which the backend reset its HTTP/2 stream, or {@code -1} if it did
     * not (an HTTP/1.1 connection, a stream that ended or whose connection closed).
     */
    default long resetCode() {
        return -1;
    }

    /** Hands it to {@code listener}: what the backend sends from now on goes there. */
    void attach(UpstreamListener listener);

    /** Queues a request message (head, body piece or end) without flushing. */
    void write(HttpObject message);

    /** Queues a request message and flushes everything queued. */
    void writeAndFlush(HttpObject message);

    /** Asks for the next read from the backend (reads are asked for one at a time: backpressure). */
    void read();

    /** Whether the connection takes writes without queuing beyond its high-water mark. */
    boolean isWritable();

    /**
     * Gives the connection back after its exchange: kept idle for the next request when {@code reusable} (the
     * exchange left it in step) and its pool still keeps connections of its colour, else closed.
     */
    void release(boolean reusable);

    /**
     * Turns the connection into a byte tunnel after a {@code 101 Switching Protocols}: its HTTP codec is removed and
     * from now on {@link UpstreamListener#onUpstreamBytes} delivers what the backend sends.
     *
     * @return the channel, for writing raw bytes
     */
    Channel startTunnel();

    /** Lets go of the connection without closing it: whoever holds its channel closes it once flushed. */
    void detach();
}
