package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Objects;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS from the proxy to its backends. The backend's certificate is always verified: it must chain to a trusted
 * certificate and, by default, name the host the backend is configured with ({@code Backend.host()}, as DNS name or
 * IP address; RFC 9110 §4.3.4). A backend that fails verification is a connect failure: the next backend of the
 * pool is tried, then the client gets 502. Immutable.
 *
 * <pre>{@code
 * BlueGreenProxy.builder(admin)
 *         .upstreamTls(UpstreamTls.verifying(Path.of("/etc/bluegreen/backend-ca.pem")))
 *         .build();
 * }</pre>
 *
 * <p>The same settings apply to every backend of both colours that speaks {@link BackendProtocol#HTTP1 HTTP/1.1} or
 * {@link BackendProtocol#H2 h2} (which also needs the backend to pick {@code h2} through ALPN); {@code h2c} is
 * cleartext. TLSv1.3 and TLSv1.2 only. Backends that ask for a client certificate (mutual TLS) get the one of
 * {@link #withClientCertificate}.
 *
 * <p>Two settings are equal when they trust the same certificates and every other setting is equal: the JDK's
 * trusted certificates, or the same PEM file (its path: the file's contents are not compared), or the same trust
 * store, which {@link #verifying(KeyStore)} makes a factory of on each call, so that settings from two calls are
 * never equal, whatever the store holds. A client certificate compares by its files' paths.
 */
public final class UpstreamTls {

    private interface TrustSource {
        SslContextBuilder trust(SslContextBuilder builder);
    }

    /** The JDK's trusted certificates: one instance, so that all such settings are equal. */
    private static final TrustSource SYSTEM_TRUST = builder -> builder;

    /** The certificates of a PEM file, equal by the file's path. */
    private record PemTrust(Path trustedCertificates) implements TrustSource {
        @Override
        public SslContextBuilder trust(SslContextBuilder builder) {
            return builder.trustManager(trustedCertificates.toFile());
        }
    }

    /** A trust store's certificates, equal only for the same factory (made per call, with no equals of its own). */
    private record StoreTrust(TrustManagerFactory factory) implements TrustSource {
        @Override
        public SslContextBuilder trust(SslContextBuilder builder) {
            return builder.trustManager(factory);
        }
    }

    private final TrustSource trust;
    private final String description;
    private final boolean hostnameVerification;
    /** The client certificate chain and key presented to backends that ask, or {@code null} for none. */
    private final Path[] clientCertificate;

    private UpstreamTls(TrustSource trust, String description, boolean hostnameVerification,
                        Path[] clientCertificate) {
        this.trust = trust;
        this.description = description;
        this.hostnameVerification = hostnameVerification;
        this.clientCertificate = clientCertificate;
    }

    private UpstreamTls(TrustSource trust, String description, boolean hostnameVerification) {
        this(trust, description, hostnameVerification, null);
    }

    /** Trusts what the JDK trusts (its {@code cacerts}). */
    public static UpstreamTls verifyingWithSystemTrust() {
        return new UpstreamTls(SYSTEM_TRUST, "the JDK's trusted certificates", true);
    }

    /**
     * Trusts the certificates of a PEM file (a private CA, or the backends' self-signed certificates).
     *
     * @throws IllegalArgumentException if the file can't be read or holds no certificate
     */
    public static UpstreamTls verifying(Path trustedCertificates) {
        requireNonNull(trustedCertificates, "trustedCertificates");
        if (!Files.isReadable(trustedCertificates)) {
            throw new IllegalArgumentException("upstreamTls: " + trustedCertificates
                    + " (expected: a readable PEM file of trusted certificates)");
        }
        TrustSource trust = new PemTrust(trustedCertificates);
        try {
            trust.trust(SslContextBuilder.forClient());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("upstreamTls: " + e.getMessage()
                    + " (expected: a PEM file of trusted certificates)", e);
        }
        return new UpstreamTls(trust, "PEM " + trustedCertificates, true);
    }

    /**
     * Trusts the certificate entries of a key store (a trust store loaded by the caller).
     *
     * @throws IllegalArgumentException if the store can't be used as a trust store
     */
    public static UpstreamTls verifying(KeyStore trustStore) {
        requireNonNull(trustStore, "trustStore");
        TrustManagerFactory factory;
        try {
            factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trustStore);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("upstreamTls: cannot use the trust store: " + e.getMessage(), e);
        }
        return new UpstreamTls(new StoreTrust(factory), "trust store " + trustStore.getType(), true);
    }

    /**
     * The same trust without checking that the certificate names the backend's host, for backends addressed by a
     * name or IP address their certificates don't carry. The chain is still verified.
     */
    public UpstreamTls withoutHostnameVerification() {
        return new UpstreamTls(trust, description, false, clientCertificate);
    }

    /**
     * The same trust, presenting a client certificate to backends that ask for one (mutual TLS, as a service mesh or
     * a backend that admits only its proxies does). The files are read now, as
     * {@link TlsSettings#fromPem(Path, Path)} reads a listener's, and the key must be the first certificate's.
     *
     * @param certificateChain the client certificate first, then its intermediates (PEM)
     * @param privateKey its unencrypted PKCS#8 PEM private key
     * @return the settings with the client certificate
     * @throws TlsFileException (an {@link IllegalArgumentException}) naming the file at fault
     */
    public UpstreamTls withClientCertificate(Path certificateChain, Path privateKey) {
        requireNonNull(certificateChain, "certificateChain");
        requireNonNull(privateKey, "privateKey");
        for (Path file : new Path[] {certificateChain, privateKey}) {
            if (!Files.isReadable(file)) {
                throw new TlsFileException(file, file == privateKey, "upstreamTls: client "
                        + (file == privateKey ? "key " : "certificate ") + file + " (expected: a readable PEM file)",
                        null);
            }
        }
        PemKeyPair.check(certificateChain, privateKey, null);
        return new UpstreamTls(trust, description, hostnameVerification, new Path[] {certificateChain, privateKey});
    }

    /** Whether the backend's certificate must name the backend's host. Default true. */
    public boolean hostnameVerification() {
        return hostnameVerification;
    }

    /** The client context; an engine per connection is made with the backend's host for SNI and verification. */
    SslContext newClientContext() {
        return newClientContext(false);
    }

    /**
     * The client context, offering {@code h2} alone through ALPN when {@code http2} (RFC 9113 §3.2): a backend that
     * picks nothing else is the only kind an HTTP/2 pool can use, and the connection checks it did pick {@code h2}.
     */
    SslContext newClientContext(boolean http2) {
        try {
            SslContextBuilder builder = trust.trust(SslContextBuilder.forClient());
            if (clientCertificate != null) {
                builder.keyManager(clientCertificate[0].toFile(), clientCertificate[1].toFile());
            }
            if (http2) {
                builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2));
            }
            return builder
                    .sslProvider(SslEngines.preferred())
                    .protocols(TlsSettings.DEFAULT_PROTOCOLS)
                    // RFC 6125 / RFC 9110 §4.3.4: the name checked is the one the connection was made to.
                    .endpointIdentificationAlgorithm(hostnameVerification ? "HTTPS" : null)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("upstreamTls: cannot build the client context from " + description
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UpstreamTls that && trust.equals(that.trust) && description.equals(that.description)
                && hostnameVerification == that.hostnameVerification
                && Arrays.equals(clientCertificate, that.clientCertificate);
    }

    @Override
    public int hashCode() {
        return Objects.hash(trust, description, hostnameVerification, Arrays.hashCode(clientCertificate));
    }

    @Override
    public String toString() {
        return "UpstreamTls[" + description + (hostnameVerification ? "" : ", no hostname verification")
                + (clientCertificate == null ? "" : ", client certificate " + clientCertificate[0]) + "]";
    }
}
