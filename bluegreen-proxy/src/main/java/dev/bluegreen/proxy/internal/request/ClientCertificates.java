package dev.bluegreen.proxy.internal.request;

import dev.bluegreen.core.internal.Sha256;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The identity of a client's verified certificate (mutual TLS), as {@code X-Forwarded-Client-Cert} tells it to the
 * backend, in the element format Envoy made common: {@code Hash=<SHA-256 of the DER, hex>;Subject="<RFC 2253
 * name>"}, then {@code ;URI=} and {@code ;DNS=} for each such subject alternative name. A value is quoted when it
 * holds a separator ({@code , ; =}), a quote or a space, with {@code "} and {@code \} escaped by a backslash; the
 * subject always is. Anything outside printable ASCII is written as RFC 4514 {@code \HH} escapes of its UTF-8 bytes,
 * so that a certificate can't put a line break or other control into the request's head. Stateless.
 */
final class ClientCertificates {

    static final AsciiString X_FORWARDED_CLIENT_CERT = AsciiString.cached("x-forwarded-client-cert");

    /** The subject alternative name types ({@link X509Certificate#getSubjectAlternativeNames()}) passed on. */
    private static final int DNS_NAME = 2;
    private static final int URI = 6;

    private ClientCertificates() {
    }

    /**
     * The element of the certificate the client of {@code connection} presented and the handshake verified, or
     * {@code null} when it has no TLS or presented none. Asked once per connection, after its handshake.
     */
    static String element(Channel connection) {
        SslHandler tls = connection.pipeline().get(SslHandler.class);
        if (tls == null) {
            return null;
        }
        Certificate[] chain;
        try {
            chain = tls.engine().getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException none) {
            return null;
        }
        return chain.length > 0 && chain[0] instanceof X509Certificate certificate ? element(certificate) : null;
    }

    /** The element of {@code certificate}. */
    static String element(X509Certificate certificate) {
        StringBuilder element = new StringBuilder(160).append("Hash=").append(sha256Hex(certificate))
                .append(";Subject=");
        quoted(element, certificate.getSubjectX500Principal().getName());
        for (List<?> name : subjectAlternativeNames(certificate)) {
            Object type = name.get(0);
            if (type instanceof Integer kind && (kind == URI || kind == DNS_NAME) && name.get(1) instanceof String v) {
                value(element.append(kind == URI ? ";URI=" : ";DNS="), v);
            }
        }
        return element.toString();
    }

    private static Collection<List<?>> subjectAlternativeNames(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            return names == null ? List.of() : names;
        } catch (CertificateParsingException unreadable) {
            // The handshake accepted it; a name extension the JDK can't read is left out rather than failing the
            // request.
            return List.of();
        }
    }

    private static String sha256Hex(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(Sha256.digest(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a verified certificate can't be encoded: " + e.getMessage(), e);
        }
    }

    /** Appends {@code value}, quoted if it must be. */
    static StringBuilder value(StringBuilder out, String value) {
        return needsQuotes(value) ? quoted(out, value) : out.append(value);
    }

    private static boolean needsQuotes(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ',' || c == ';' || c == '=' || c == '"' || c == '\\' || c <= ' ' || c >= 0x7f) {
                return true;
            }
        }
        return value.isEmpty();
    }

    /** Appends {@code value} quoted, escaped as the class overview says. */
    static StringBuilder quoted(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c >= ' ' && c < 0x7f) {
                out.append(c);
            } else {
                int end = i + 1 < value.length() && Character.isSurrogatePair(c, value.charAt(i + 1)) ? i + 2 : i + 1;
                for (byte b : value.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    out.append('\\').append(HexFormat.of().toHexDigits(b));
                }
                i = end - 1;
            }
        }
        return out.append('"');
    }
}
