package dev.bluegreen.examples.options;

import dev.bluegreen.examples.Converters;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.BlueGreenProxyBuilder;
import dev.bluegreen.proxy.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * TLS on the proxy's listener: {@code --tls-cert}, {@code --tls-key}, {@code --tls-sni}, {@code --tls-client-ca},
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

    @Option(names = "--tls-sni", paramLabel = "NAME=CERT,KEY",
            description = "Present this certificate chain and key (PEM) to clients that ask for NAME (SNI): a host"
                    + " name, or *.example.com for the names one label below it; others get --tls-cert. Repeat for"
                    + " more names.")
    List<String> serverNames = new ArrayList<>();

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
            if (!serverNames.isEmpty()) {
                throw errors.usage("--tls-sni", serverNames.get(0) + " without --tls-cert (expected: a TLS listener"
                        + " and its default certificate)");
            }
            return;
        }
        TlsSettings settings = errors.pemPair("--tls-cert", tlsCertificate, "--tls-key", tlsKey,
                () -> TlsSettings.fromPem(tlsCertificate, tlsKey));
        for (String value : serverNames) {
            settings = withServerName(settings, errors.check("--tls-sni", () -> ServerNameFiles.parse(value)),
                    errors);
        }
        if (clientCa != null) {
            TlsSettings served = settings;
            settings = errors.check("--tls-client-ca", () -> served.requiringClientCertificates(clientCa));
        }
        proxy.tls(settings);
    }

    private static TlsSettings withServerName(TlsSettings settings, ServerNameFiles named, OptionErrors errors) {
        return errors.check("--tls-sni", () -> {
            try {
                return settings.withCertificateFor(named.name(), TlsSettings.fromPem(named.certificate(),
                        named.key()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(named.value() + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * One {@code --tls-sni} value, {@code NAME=CERT,KEY}.
     *
     * @param value       the value as given
     * @param name        the server name
     * @param certificate the certificate chain's file
     * @param key         the private key's file
     */
    private record ServerNameFiles(String value, String name, Path certificate, Path key) {

        /** Reads {@code value}; throws {@link IllegalArgumentException} quoting it if it is not NAME=CERT,KEY. */
        static ServerNameFiles parse(String value) {
            int equals = value.indexOf('=');
            int comma = value.indexOf(',', equals + 1);
            if (equals <= 0 || comma < 0 || comma == equals + 1 || comma == value.length() - 1) {
                throw new IllegalArgumentException(value + " (expected: NAME=CERT,KEY, as in"
                        + " api.example.com=/etc/tls/api.pem,/etc/tls/api.key)");
            }
            return new ServerNameFiles(value, value.substring(0, equals), Path.of(value.substring(equals + 1, comma)),
                    Path.of(value.substring(comma + 1)));
        }
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
        List<Path> files = new ArrayList<>(List.of(tlsCertificate, tlsKey));
        for (String value : serverNames) {
            // Read when the proxy was configured: a bad value stopped it there.
            ServerNameFiles named = ServerNameFiles.parse(value);
            files.add(named.certificate());
            files.add(named.key());
        }
        return TlsFileWatch.start(proxy::reloadTls, "proxy", files, reloadCheck);
    }

    /** How often to look for renewed files; zero for never. */
    public Duration reloadCheck() {
        return reloadCheck;
    }
}
