package dev.bluegreen.examples.options;

import dev.bluegreen.examples.Converters;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.BlueGreenProxyBuilder;
import dev.bluegreen.proxy.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * TLS on the proxy's listener: {@code --tls-cert}, {@code --tls-key}, {@code --tls-client-ca},
 * {@code --tls-reload-check}.
 */
public final class TlsOptions implements ProxyOptionGroup {

    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "Serve TLS (and HTTP/2 through ALPN) with this certificate chain; needs --tls-key.")
    Path tlsCertificate;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The private key of --tls-cert (PKCS#8 PEM).")
    Path tlsKey;

    @Option(names = "--tls-client-ca", paramLabel = "PEM",
            description = "Admit only clients whose certificate chains to a certificate of this PEM file (mutual TLS);"
                    + " needs --tls-cert.")
    Path clientCa;

    @Option(names = "--tls-reload-check", paramLabel = "DURATION", defaultValue = "1m",
            converter = Converters.DurationConverter.class,
            description = "How often to look for a renewed --tls-cert and --tls-key (and --admin-tls-cert and"
                    + " --admin-tls-key): changed files are loaded for new connections without a restart; 0s never"
                    + " looks (default: ${DEFAULT-VALUE}).")
    Duration reloadCheck;

    /** Creates the group; picocli does this. */
    public TlsOptions() {
    }

    @Override
    public void configureProxy(BlueGreenProxyBuilder proxy, OptionErrors errors) {
        if (tlsCertificate == null && tlsKey == null) {
            if (clientCa != null) {
                throw errors.usage("--tls-client-ca", clientCa + " without --tls-cert (expected: a TLS listener)");
            }
            return;
        }
        TlsSettings settings = errors.pemPair("--tls-cert", tlsCertificate, "--tls-key", tlsKey,
                () -> TlsSettings.fromPem(tlsCertificate, tlsKey));
        if (clientCa != null) {
            TlsSettings served = settings;
            settings = errors.check("--tls-client-ca", () -> served.requiringClientCertificates(clientCa));
        }
        proxy.tls(settings);
    }

    /**
     * Starts looking for renewed certificate files, when the proxy serves TLS from them.
     *
     * @param proxy the proxy these options built
     * @return the watch, to close when the proxy stops; {@code null} when there is nothing to watch
     */
    public TlsFileWatch watch(BlueGreenProxy proxy) {
        if (tlsCertificate == null || reloadCheck.isZero()) {
            return null;
        }
        return TlsFileWatch.start(proxy::reloadTls, "proxy", List.of(tlsCertificate, tlsKey), reloadCheck);
    }

    /** How often to look for renewed files; zero for never. */
    public Duration reloadCheck() {
        return reloadCheck;
    }
}
