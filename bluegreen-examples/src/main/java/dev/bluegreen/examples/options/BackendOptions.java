package dev.bluegreen.examples.options;

import dev.bluegreen.examples.Converters;
import dev.bluegreen.proxy.BackendProtocol;
import dev.bluegreen.proxy.BlueGreenProxyBuilder;
import dev.bluegreen.proxy.UpstreamTls;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * What the proxy speaks to the backends of both pools, the trust for TLS to them and the client certificate it shows
 * them: {@code --backend-protocol}, {@code --backend-ca}, {@code --backend-client-cert}, {@code --backend-client-key}.
 */
public final class BackendOptions implements ProxyOptionGroup {

    @Option(names = "--backend-protocol", paramLabel = "PROTOCOL", defaultValue = "http1",
            converter = Converters.BackendProtocolConverter.class,
            description = "What the backends speak: http1, h2c (cleartext HTTP/2, as a gRPC server without TLS) or h2"
                    + " (HTTP/2 over TLS, agreed through ALPN) (default: ${DEFAULT-VALUE}).")
    BackendProtocol protocol;

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
        proxy.backendProtocol(protocol);
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

    private UpstreamTls withClientCertificate(UpstreamTls tls, OptionErrors errors) {
        if (tls == null) {
            throw errors.usage("--backend-client-cert", clientCertificate + " without TLS to the backends (expected:"
                    + " --backend-ca, or --backend-protocol h2)");
        }
        return tls.withClientCertificate(clientCertificate, clientKey);
    }
}
