package dev.bluegreen.examples.options;

import dev.bluegreen.examples.Converters;
import dev.bluegreen.proxy.BackendProtocol;
import dev.bluegreen.proxy.BlueGreenProxyBuilder;
import dev.bluegreen.proxy.UpstreamTls;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * What the proxy speaks to the backends of both pools, and the trust for TLS to them: {@code --backend-protocol},
 * {@code --backend-ca}.
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
        if (trustedCertificates != null) {
            if (protocol == BackendProtocol.H2C) {
                throw errors.usage("--backend-ca", trustedCertificates + " with --backend-protocol h2c (expected:"
                        + " h2 for HTTP/2 over TLS, or http1 for HTTP/1.1 over TLS)");
            }
            errors.check("--backend-ca", () -> proxy.upstreamTls(UpstreamTls.verifying(trustedCertificates)));
        } else if (protocol == BackendProtocol.H2) {
            proxy.upstreamTls(UpstreamTls.verifyingWithSystemTrust());
        }
    }
}
