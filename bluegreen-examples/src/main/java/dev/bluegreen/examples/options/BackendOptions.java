package dev.bluegreen.examples.options;

import dev.bluegreen.examples.Converters;
import dev.bluegreen.proxy.BackendProtocol;
import dev.bluegreen.proxy.BackendProtocols;
import dev.bluegreen.proxy.BlueGreenProxyBuilder;
import dev.bluegreen.proxy.UpstreamTls;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * What the proxy speaks to the backends of both pools, how many HTTP/2 connections and streams it opens to each, the
 * trust for TLS to them and the client certificate it shows them: {@code --backend-protocol},
 * {@code --backend-max-connections}, {@code --backend-max-streams}, {@code --backend-ca},
 * {@code --backend-client-cert}, {@code --backend-client-key}.
 */
public final class BackendOptions implements ProxyOptionGroup {

    @Option(names = "--backend-protocol", paramLabel = "PROTOCOL", defaultValue = "http1",
            converter = Converters.BackendProtocolConverter.class,
            description = "What the backends speak: http1, h2c (cleartext HTTP/2, as a gRPC server without TLS) or h2"
                    + " (HTTP/2 over TLS, agreed through ALPN) (default: ${DEFAULT-VALUE}).")
    BackendProtocol protocol;

    @Option(names = "--backend-max-connections", paramLabel = "N",
            description = "With h2c or h2: the HTTP/2 connections each event loop may open to one backend, 1-64"
                    + " (default: 2).")
    Integer maxConnections;

    @Option(names = "--backend-max-streams", paramLabel = "N",
            description = "With h2c or h2: the streams (calls) at once on one HTTP/2 connection to a backend, 1-10000,"
                    + " lowered by the backend's own limit (default: 100). A call that finds every connection full"
                    + " waits at most --connect-timeout, then fails as UNAVAILABLE.")
    Integer maxStreams;

    @Option(names = "--backend-ca", paramLabel = "PEM",
            description = "Connect to the backends with TLS and trust the certificates of this PEM file (a private CA,"
                    + " or the backends' own); with h2 and no --backend-ca, the JDK's trusted certificates.")
    Path trustedCertificates;

    @Option(names = "--backend-client-cert", paramLabel = "PEM",
            description = "Present this client certificate chain to backends that ask for one (mutual TLS); needs"
                    + " --backend-client-key, and TLS to the backends (--backend-ca, or h2).")
    Path clientCertificate;

    @Option(names = "--backend-client-key", paramLabel = "PEM",
            description = "The private key of --backend-client-cert (PKCS#8 PEM).")
    Path clientKey;

    /** Creates the group; picocli does this. */
    public BackendOptions() {
    }

    /** The protocol chosen. */
    public BackendProtocol protocol() {
        return protocol;
    }

    @Override
    public void configureProxy(BlueGreenProxyBuilder proxy, OptionErrors errors) {
        proxy.backendProtocols(http2Limits(BackendProtocols.of(protocol), errors));
        UpstreamTls tls = null;
        if (trustedCertificates != null) {
            if (protocol == BackendProtocol.H2C) {
                throw errors.usage("--backend-ca", trustedCertificates + " with --backend-protocol h2c (expected:"
                        + " h2 for HTTP/2 over TLS, or http1 for HTTP/1.1 over TLS)");
            }
            tls = errors.check("--backend-ca", () -> UpstreamTls.verifying(trustedCertificates));
        } else if (protocol == BackendProtocol.H2) {
            tls = UpstreamTls.verifyingWithSystemTrust();
        }
        UpstreamTls trusted = tls;
        UpstreamTls withClient = errors.pemPair("--backend-client-cert", clientCertificate, "--backend-client-key",
                clientKey, () -> withClientCertificate(trusted, errors));
        if (withClient != null) {
            tls = withClient;
        }
        if (tls != null) {
            proxy.upstreamTls(tls);
        }
    }

    /** {@code protocols} with the HTTP/2 limits given, which an HTTP/1.1 pool has no use for. */
    private BackendProtocols http2Limits(BackendProtocols protocols, OptionErrors errors) {
        BackendProtocols limited = protocols;
        if (maxConnections != null) {
            requireHttp2("--backend-max-connections", maxConnections, errors);
            limited = errors.check("--backend-max-connections",
                    () -> protocols.withMaxConnectionsPerBackend(maxConnections));
        }
        if (maxStreams != null) {
            requireHttp2("--backend-max-streams", maxStreams, errors);
            BackendProtocols withConnections = limited;
            limited = errors.check("--backend-max-streams",
                    () -> withConnections.withMaxStreamsPerConnection(maxStreams));
        }
        return limited;
    }

    private void requireHttp2(String option, int value, OptionErrors errors) {
        if (protocol == BackendProtocol.HTTP1) {
            throw errors.usage(option, value + " with --backend-protocol http1, which opens no HTTP/2 connection"
                    + " (expected: --backend-protocol h2c or h2)");
        }
    }

    private UpstreamTls withClientCertificate(UpstreamTls tls, OptionErrors errors) {
        if (tls == null) {
            throw errors.usage("--backend-client-cert", clientCertificate + " without TLS to the backends (expected:"
                    + " --backend-ca, or --backend-protocol h2)");
        }
        return tls.withClientCertificate(clientCertificate, clientKey);
    }
}
