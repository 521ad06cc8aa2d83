package dev.bluegreen.proxy.internal.request;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.util.Objects;

/**
 * Who a client connection is, as the forwarding headers tell the backend: its IP address, whether it connected
 * with TLS, and the certificate it presented if it did (mutual TLS). Its {@code Forwarded} element (RFC 7239) is
 * remembered for the {@code Host} of the last request, so that a connection's requests, which nearly always name
 * the same host, share one element instead of building it each.
 *
 * <p>One per client connection (shared by the streams of an HTTP/2 connection), used on its event loop only.
 */
public final class ClientAddress {

    private final String ip;
    private final boolean secure;
    private final String certificate;
    private String elementHost;
    private String element;

    /**
     * @param ip     the client's address as text, from {@link ForwardedHeaders#clientIp(java.net.SocketAddress)}
     * @param secure whether the client connected with TLS
     */
    public ClientAddress(String ip, boolean secure) {
        this(ip, secure, null);
    }

    private ClientAddress(String ip, boolean secure, String certificate) {
        this.ip = Objects.requireNonNull(ip, "ip");
        this.secure = secure;
        this.certificate = certificate;
    }

    /**
     * The address of the client at the other end of {@code connection} (a client connection, not an HTTP/2 stream),
     * its handshake done if it has TLS: its remote IP address, whether it has TLS, and the certificate it presented.
     */
    public static ClientAddress of(Channel connection) {
        boolean secure = connection.pipeline().get(SslHandler.class) != null;
        return new ClientAddress(ForwardedHeaders.clientIp(connection.remoteAddress()), secure,
                secure ? ClientCertificates.element(connection) : null);
    }

    /** The client's IP address as text ({@code X-Forwarded-For}). */
    public String ip() {
        return ip;
    }

    /** Whether the client connected with TLS ({@code X-Forwarded-Proto}). */
    public boolean isSecure() {
        return secure;
    }

    /**
     * The {@code X-Forwarded-Client-Cert} element of the certificate the client presented and the handshake verified
     * ({@link ClientCertificates}), or {@code null} if it presented none.
     */
    String certificate() {
        return certificate;
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
