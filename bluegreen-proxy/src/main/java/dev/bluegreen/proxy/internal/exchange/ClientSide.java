package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.proxy.internal.request.ClientAddress;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponse;

/**
 * What an {@link Exchange} needs of the client side it serves: an HTTP/1.1 connection, or one stream of an HTTP/2
 * connection. The exchange writes the response as HTTP/1.1 messages to {@link #ctx()}; what differs between the
 * protocols is behind the other methods.
 */
public interface ClientSide {

    /** Where the response goes and the request body comes from (reads are asked for one message at a time). */
    ChannelHandlerContext ctx();

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
     */
    void startTunnel(HttpResponse switching);

    /**
     * The exchange has ended; the next request may be read, or the connection closed.
     *
     * @param lastWrite the write of the response's end, or {@code null} if none (the response was cut short)
     * @param close     whether the connection must close once {@code lastWrite} is done
     */
    void exchangeEnded(ChannelFuture lastWrite, boolean close);
}
