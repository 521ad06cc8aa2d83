package dev.bluegreen.spring.boot;

import static dev.bluegreen.spring.boot.PropertyChecks.check;
import static dev.bluegreen.spring.boot.PropertyChecks.refused;

import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.TlsFileException;
import dev.bluegreen.proxy.TlsSettings;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;

/**
 * The proxy listener's {@link TlsSettings} from {@code bluegreen.tls.*}: a Spring Boot SSL bundle's keys (and its
 * protocols and ciphers, if it sets them), or a PEM certificate chain and private key; a bundle's keys per server
 * name (SNI); and the bundles' updates, followed. Stateless.
 */
final class ListenerTls {

    private static final Logger log = LoggerFactory.getLogger(ListenerTls.class);

    private static final String BUNDLE = "bluegreen.tls.bundle";
    private static final String CERTIFICATE = "bluegreen.tls.certificate";
    private static final String PRIVATE_KEY = "bluegreen.tls.private-key";
    private static final String KEY_PASSWORD = "bluegreen.tls.key-password";
    private static final String CLIENT_CA = "bluegreen.tls.client-ca";
    private static final String SERVER_NAME_BUNDLES = "bluegreen.tls.server-name-bundles";

    private ListenerTls() {
    }

    /**
     * The listener's TLS, if {@code tls} asks for it.
     *
     * @param tls the {@code bluegreen.tls.*} properties
     * @param bundles gives the application's SSL bundles, or {@code null} when the context has none; asked only when
     *                {@code bluegreen.tls.bundle} is set
     * @throws org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException naming the
     *         property at fault: a bundle and PEM files both set, a certificate without its key or the other way round,
     *         a bundle that does not exist or holds no key, a file that can't be read (blamed on the certificate,
     *         the message naming the file), a protocol the proxy refuses, a client CA without TLS or not usable
     */
    static Optional<TlsSettings> settings(BlueGreenTlsProperties tls, Supplier<SslBundles> bundles) {
        Optional<TlsSettings> served = served(tls, bundles);
        String clientCa = blankToNull(tls.getClientCa());
        if (clientCa != null && served.isEmpty()) {
            throw refused(CLIENT_CA, clientCa, "no TLS on the listener (expected: bluegreen.tls.bundle or"
                    + " bluegreen.tls.certificate)");
        }
        if (!tls.getServerNameBundles().isEmpty() && served.isEmpty()) {
            Map.Entry<String, String> first = tls.getServerNameBundles().entrySet().iterator().next();
            throw refused(SERVER_NAME_BUNDLES + "[" + first.getKey() + "]", first.getValue(), "no TLS on the"
                    + " listener (expected: bluegreen.tls.bundle or bluegreen.tls.certificate, the certificate of"
                    + " clients that ask for another name or none)");
        }
        return served.map(settings -> withClientCa(withServerNames(settings, tls, bundles), tls));
    }

    /** {@code settings}, requiring client certificates when {@code bluegreen.tls.client-ca} is set. */
    private static TlsSettings withClientCa(TlsSettings settings, BlueGreenTlsProperties tls) {
        String clientCa = blankToNull(tls.getClientCa());
        return clientCa == null ? settings
                : check(CLIENT_CA, clientCa, () -> settings.requiringClientCertificates(Path.of(clientCa)));
    }

    /** {@code settings} with the certificate of each {@code bluegreen.tls.server-name-bundles} entry. */
    private static TlsSettings withServerNames(TlsSettings settings, BlueGreenTlsProperties tls,
                                               Supplier<SslBundles> bundles) {
        TlsSettings named = settings;
        for (Map.Entry<String, String> entry : tls.getServerNameBundles().entrySet()) {
            String property = SERVER_NAME_BUNDLES + "[" + entry.getKey() + "]";
            TlsSettings certificate = fromBundle(property, entry.getValue(), bundles.get());
            TlsSettings base = named;
            named = check(property, entry.getValue(), () -> base.withCertificateFor(entry.getKey(), certificate));
        }
        return named;
    }

    /** What the listener serves, a bundle's keys or PEM files, before any client certificate is asked for. */
    private static Optional<TlsSettings> served(BlueGreenTlsProperties tls, Supplier<SslBundles> bundles) {
        String bundle = blankToNull(tls.getBundle());
        String certificate = blankToNull(tls.getCertificate());
        String privateKey = blankToNull(tls.getPrivateKey());
        if (bundle != null && (certificate != null || privateKey != null)) {
            throw refused(BUNDLE, bundle, "bluegreen.tls.certificate or .private-key is set too (expected: a bundle"
                    + " or PEM files, not both)");
        }
        if (privateKey == null && blankToNull(tls.getKeyPassword()) != null) {
            // The value is a secret: not shown.
            throw refused(KEY_PASSWORD, "******", "no bluegreen.tls.private-key is set (expected: the password of an"
                    + " encrypted PEM private key; a bundle has its own, spring.ssl.bundle.*.key.password)");
        }
        if (bundle != null) {
            return Optional.of(fromBundle(BUNDLE, bundle, bundles.get()));
        }
        if (certificate == null && privateKey == null) {
            return Optional.empty();
        }
        if (certificate == null) {
            throw refused(CERTIFICATE, "", "expected: the PEM certificate chain that goes with " + PRIVATE_KEY);
        }
        if (privateKey == null) {
            throw refused(PRIVATE_KEY, "", "expected: the PEM private key that goes with " + CERTIFICATE);
        }
        try {
            return Optional.of(TlsSettings.fromPem(Path.of(certificate), Path.of(privateKey), tls.getKeyPassword()));
        } catch (TlsFileException e) {
            // The library says which file is at fault (a key that is not the certificate's is the key's): blame it.
            throw e.isPrivateKey() ? refused(PRIVATE_KEY, privateKey, e.getMessage())
                    : refused(CERTIFICATE, certificate, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw refused(CERTIFICATE, certificate, e.getMessage());
        }
    }

    /**
     * Serves each update of the bundles {@code bluegreen.tls.bundle} and {@code bluegreen.tls.server-name-bundles}
     * name (Boot reloads a bundle whose {@code reload-on-update} is {@code true} when its files change) from the next
     * connection on. An update the proxy can't serve is logged at WARN, and the proxy goes on serving the bundles as
     * they were.
     *
     * @param tls the {@code bluegreen.tls.*} properties
     * @param bundles gives the application's SSL bundles, or {@code null} when the context has none
     * @param proxy the proxy built with the bundle
     */
    static void followUpdates(BlueGreenTlsProperties tls, Supplier<SslBundles> bundles, BlueGreenProxy proxy) {
        Set<String> names = new LinkedHashSet<>(tls.getServerNameBundles().values());
        String bundle = blankToNull(tls.getBundle());
        if (bundle != null) {
            names.add(bundle);
        }
        SslBundles all = names.isEmpty() ? null : bundles.get();
        if (all == null) {
            return;
        }
        for (String name : names) {
            // Boot holds the updated bundle before it tells its handlers: the settings are made again from all.
            all.addBundleUpdateHandler(name, updated -> {
                try {
                    settings(tls, bundles).ifPresent(proxy::replaceTls);
                } catch (RuntimeException refused) {
                    log.warn("SSL bundle {} was updated but can't be served; the proxy serves it as it was: {}",
                            name, refused.getMessage());
                }
            });
        }
    }

    /**
     * The TLS of the SSL bundle {@code name}, which the property {@code property} names.
     *
     * @throws org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException naming
     *         {@code property}: no bundles in the context, no such bundle, one without a key, a protocol refused
     */
    static TlsSettings fromBundle(String property, String name, SslBundles bundles) {
        if (bundles == null) {
            throw refused(property, name, "the application context has no SSL bundles (expected: Spring Boot's"
                    + " SslAutoConfiguration, which spring.ssl.bundle.* configures)");
        }
        try {
            return fromBundle(property, name, bundles.getBundle(name));
        } catch (NoSuchSslBundleException e) {
            throw refused(property, name, e.getMessage() + " (expected: the name of a spring.ssl.bundle.pem.* or"
                    + " .jks.* bundle)");
        }
    }

    private static TlsSettings fromBundle(String property, String name, SslBundle bundle) {
        if (bundle.getStores().getKeyStore() == null) {
            throw refused(property, name, "the bundle has no key store (expected: one with the proxy's private key"
                    + " and certificate chain)");
        }
        TlsSettings settings = check(property, name, () -> TlsSettings.fromKeyManagerFactory(
                bundle.getManagers().getKeyManagerFactory(), "SSL bundle " + name));
        SslOptions options = bundle.getOptions();
        if (options.getEnabledProtocols() != null) {
            TlsSettings base = settings;
            settings = check(property, name, () -> base.withProtocols(options.getEnabledProtocols()));
        }
        if (options.getCiphers() != null) {
            TlsSettings base = settings;
            settings = check(property, name, () -> base.withCiphers(List.of(options.getCiphers())));
        }
        return settings;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
