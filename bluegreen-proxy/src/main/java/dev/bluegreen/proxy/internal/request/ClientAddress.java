package dev.bluegreen.proxy.internal.request;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.util.Objects;

/**
 * Who a client connection is, as the forwarding headers tell the backend: its IP address and whether it connected
 * with TLS. Its {@code Forwarded} element (RFC 7239) is remembered for the {@code Host} of the last request, so that
 * a connection's requests, which nearly always name the same host, share one element instead of building it each.
 *
 * <p>One per client connection (shared by the streams of an HTTP/2 connection), used on its event loop only.
 */
public final class ClientAddress {

    private final String ip;
    private final boolean secure;
    private String elementHost;
    private String element;

    /**
     * @param ip     the client's address as text, from {@link ForwardedHeaders#clientIp(java.net.SocketAddress)}
     * @param secure whether the client connected with TLS
     */
    public ClientAddress(String ip, boolean secure) {
        this.ip = Objects.requireNonNull(ip, "ip");
        this.secure = secure;
    }

    /**
     * The address of the client at the other end of {@code connection} (a client connection, not an HTTP/2 stream):
     * its remote IP address, and whether it has TLS.
     */
    public static ClientAddress of(Channel connection) {
        return new ClientAddress(ForwardedHeaders.clientIp(connection.remoteAddress()),
                connection.pipeline().get(SslHandler.class) != null);
    }

    /** The client's IP address as text ({@code X-Forwarded-For}). */
    public String ip() {
        return ip;
    }

    /** Whether the client connected with TLS ({@code X-Forwarded-Proto}). */
    public boolean isSecure() {
        return secure;
    }

    /** This client's {@code Forwarded} element for a request naming {@code host} (or none, if {@code null}). */
    String forwardedElement(String host) {
        if (element == null || !Objects.equals(host, elementHost)) {
            element = ForwardedHeaders.forwardedElement(ip, ForwardedHeaders.proto(secure), host);
            elementHost = host;
        }
        return element;
    }
}
