package dev.bluegreen.testing;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Which certificate a TLS listener presents: a client that takes any certificate, so that a test can see the one it
 * got (a certificate renewed while the listener runs, say). Never for anything but tests.
 */
public final class PresentedCertificate {

    private PresentedCertificate() {
    }

    /**
     * A TLS connection to {@code 127.0.0.1:port} that accepts any certificate, its handshake done.
     *
     * @param port the listener's port
     * @return the connected socket, a 10 s read timeout set
     */
    public static SSLSocket connectTrustingAny(int port) throws IOException, GeneralSecurityException {
        return connectTrustingAny(port, null);
    }

    /**
     * A TLS connection to {@code 127.0.0.1:port} that asks for {@code serverName} (SNI), offers {@code protocols}
     * by ALPN, and accepts any certificate, its handshake done.
     *
     * @param port       the listener's port
     * @param serverName the name to ask for, or {@code null} to ask for none
     * @param protocols  the protocols to offer by ALPN, as {@code "h2"}; none: no ALPN
     * @return the connected socket, a 10 s read timeout set
     */
    public static SSLSocket connectTrustingAny(int port, String serverName, String... protocols)
            throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters parameters = socket.getSSLParameters();
        // To an IP address the JDK sends no server name of its own.
        if (serverName != null) {
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
        }
        if (protocols.length > 0) {
            parameters.setApplicationProtocols(protocols);
        }
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    /**
     * The certificate the listener on {@code port} presents to a new connection that asks for {@code serverName}.
     *
     * @param port       the listener's port
     * @param serverName the name to ask for (SNI), or {@code null} to ask for none
     * @return the first certificate of the chain presented
     */
    public static X509Certificate presentedFor(int port, String serverName) throws IOException,
            GeneralSecurityException {
        try (SSLSocket socket = connectTrustingAny(port, serverName)) {
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /**
     * The subject of the certificate {@code socket} was presented, as in {@code CN=localhost}.
     *
     * @param socket a connected TLS socket
     * @return the subject's distinguished name
     */
    public static String subject(SSLSocket socket) throws IOException {
        X509Certificate presented = (X509Certificate) socket.getSession().getPeerCertificates()[0];
        return presented.getSubjectX500Principal().getName();
    }

    /**
     * The subject of the certificate the listener on {@code port} presents to a new connection.
     *
     * @param port the listener's port
     * @return the subject's distinguished name
     */
    public static String subjectAt(int port) throws IOException, GeneralSecurityException {
        try (SSLSocket socket = connectTrustingAny(port)) {
            return subject(socket);
        }
    }
}
