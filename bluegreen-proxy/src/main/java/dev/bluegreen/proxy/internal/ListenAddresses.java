package dev.bluegreen.proxy.internal;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** The proxy's and the admin endpoint's listen addresses, as log lines and errors show them. */
public final class ListenAddresses {

    private ListenAddresses() {
    }

    /**
     * {@code host:port}, an IPv6 literal in brackets ({@code [::1]:8081}), so that {@code http://} before it makes a
     * URL.
     *
     * @param address the address
     * @return the text
     */
    public static String hostAndPort(InetSocketAddress address) {
        String host = address.getHostString();
        boolean literal6 = address.getAddress() instanceof Inet6Address && host.indexOf(':') >= 0;
        return (literal6 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /**
     * The error of a listener that could not bind, naming the address and the reason (some causes, such as an
     * unresolved host, carry no message: their type says it).
     *
     * @param what the listener, such as {@code "proxy"}
     * @param address where it tried to listen
     * @param cause why the bind failed
     * @return the exception, for the caller to complete a future with
     */
    public static IllegalStateException cannotListen(String what, InetSocketAddress address, Throwable cause) {
        String reason = cause.getMessage() != null ? cause.getMessage()
                : address.isUnresolved() ? "unknown host " + address.getHostString() : cause.toString();
        return new IllegalStateException(what + ": cannot listen on " + hostAndPort(address) + ": " + reason, cause);
    }
}
