package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;
import dev.bluegreen.proxy.internal.ServerNames;
import dev.bluegreen.proxy.internal.ServerTls;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509KeyManager;

/**
 * TLS on the proxy's listener: the certificate chain and private key it presents, the protocol versions and cipher
 * suites it accepts. Immutable; the {@code with...} methods return a copy.
 *
 * <pre>{@code
 * BlueGreenProxy.builder(admin)
 *         .listen("0.0.0.0", 8443)
 *         .tls(TlsSettings.fromPem(Path.of("/etc/bluegreen/cert.pem"), Path.of("/etc/bluegreen/key.pem")))
 *         .build();
 * }</pre>
 *
 * <p>Defaults: TLSv1.3 and TLSv1.2 only; AEAD cipher suites with forward secrecy (the list RFC 9113 §9.2.2
 * leaves usable for HTTP/2); ALPN offers {@code h2} (when HTTP/2 is on) and {@code http/1.1}; a 10 s handshake
 * timeout. OpenSSL (BoringSSL, from {@code netty-tcnative-boringssl-static}) does the work when it is available
 * with ALPN, the JDK's TLS otherwise.
 *
 * <p>Two settings are equal when they were given the same keys and every other setting is equal. Keys from PEM files
 * are the same when their paths and password are (the files' contents are not compared: they are read anew for each
 * context built, and at a {@linkplain BlueGreenProxy#reloadTls() reload}); keys from a key manager factory, when it
 * is the same factory object. {@link #fromKeyStore} makes a factory of its own on each call, so settings from two
 * calls are never equal, whatever the store holds.
 */
public final class TlsSettings {

    /** The protocol versions accepted by default. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** The protocol versions that may be configured: nothing older (RFC 8996 deprecates TLS 1.0 and 1.1). */
    private static final List<String> ALLOWED_PROTOCOLS = DEFAULT_PROTOCOLS;

    /** Where the key and certificate come from. */
    private interface KeySource {
        SslContextBuilder newBuilder();

        /** The same source, read again and checked as when it was given; itself for keys held in memory. */
        default KeySource reread() {
            return this;
        }
    }

    /** A PEM certificate chain and private key, read from their files for every context built. */
    private record PemFiles(Path certificateChain, Path privateKey, String keyPassword) implements KeySource {

        /** The files, checked: readable, PEM, and the key the first certificate's. */
        static PemFiles checked(Path certificateChain, Path privateKey, String keyPassword) {
            requireReadable(certificateChain, false);
            requireReadable(privateKey, true);
            PemKeyPair.check(certificateChain, privateKey, keyPassword);
            PemFiles files = new PemFiles(certificateChain, privateKey, keyPassword);
            try {
                files.newBuilder();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tls: " + e.getMessage()
                        + " (expected: a PEM certificate chain and a PKCS#8 PEM private key)", e);
            }
            return files;
        }

        @Override
        public SslContextBuilder newBuilder() {
            return SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile(), keyPassword);
        }

        @Override
        public KeySource reread() {
            return checked(certificateChain, privateKey, keyPassword);
        }

        @Override
        public String toString() {
            // Not the record's own: that would print the key's password.
            return "PEM " + certificateChain + ", " + privateKey;
        }
    }

    /**
     * The keys of a key manager factory: equal only for the same factory (which has no equals of its own), whose keys
     * can't be compared.
     */
    private record KeyManagers(KeyManagerFactory factory) implements KeySource {
        @Override
        public SslContextBuilder newBuilder() {
            return SslContextBuilder.forServer(factory);
        }
    }

    private final KeySource keys;
    private final String description;
    private final List<String> protocols;
    private final List<String> ciphers;
    private final Duration handshakeTimeout;
    /** The certificates a client's certificate must chain to, or {@code null} when none is asked for. */
    private final Path trustedClients;
    /** The keys presented to clients that name a server (SNI), by name in lower case, in order. */
    private final Map<String, KeySource> byServerName;

    private TlsSettings(KeySource keys, String description, List<String> protocols, List<String> ciphers,
                        Duration handshakeTimeout, Path trustedClients, Map<String, KeySource> byServerName) {
        this.keys = keys;
        this.description = description;
        this.protocols = protocols;
        this.ciphers = ciphers;
        this.handshakeTimeout = handshakeTimeout;
        this.trustedClients = trustedClients;
        this.byServerName = byServerName;
    }

    /**
     * A certificate chain and an unencrypted PKCS#8 private key, both PEM files. The files are read now, so a
     * missing or malformed file, or a key that is not the certificate's, fails here rather than at every handshake.
     *
     * @param certificateChain the server certificate first, then its intermediates
     * @throws TlsFileException (an {@link IllegalArgumentException}) naming the file at fault, if a file can't be
     *                          read or doesn't hold what it should, or the key does not match the first certificate
     */
    public static TlsSettings fromPem(Path certificateChain, Path privateKey) {
        return fromPem(certificateChain, privateKey, null);
    }

    private static void requireReadable(Path file, boolean privateKey) {
        if (!Files.isReadable(file)) {
            throw new TlsFileException(file, privateKey, "tls: " + file + " (expected: a readable PEM file)", null);
        }
    }

    /**
     * Like {@link #fromPem(Path, Path)}, for an encrypted PKCS#8 private key.
     *
     * @param keyPassword the key's password, or {@code null} if it is not encrypted
     * @throws TlsFileException (an {@link IllegalArgumentException}) naming the file at fault, if a file can't be
     *                          read, doesn't hold what it should, the password is wrong, or the key does not match
     *                          the first certificate
     */
    public static TlsSettings fromPem(Path certificateChain, Path privateKey, String keyPassword) {
        requireNonNull(certificateChain, "certificateChain");
        requireNonNull(privateKey, "privateKey");
        return withDefaults(PemFiles.checked(certificateChain, privateKey, keyPassword), "PEM " + certificateChain);
    }

    /**
     * The key entry of a {@link KeyStore} (PKCS#12 or JKS, loaded by the caller). With several key entries the
     * JDK's key manager picks one per handshake; keep one.
     *
     * @param password the password of the key entry
     * @throws IllegalArgumentException if the store has no usable key entry or the password is wrong
     */
    public static TlsSettings fromKeyStore(KeyStore keyStore, char[] password) {
        requireNonNull(keyStore, "keyStore");
        requireNonNull(password, "password");
        KeyManagerFactory factory;
        try {
            if (!hasKeyEntry(keyStore)) {
                throw new IllegalArgumentException("tls: the key store has no key entry (expected: a private key"
                        + " with its certificate chain)");
            }
            factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keyStore, password.clone());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("tls: cannot use the key store: " + e.getMessage(), e);
        }
        return fromKeyManagerFactory(factory, "key store " + keyStore.getType());
    }

    /**
     * The keys of a {@link KeyManagerFactory} the caller has initialised: one that picks a key entry by alias, a
     * hardware module's, or a Spring Boot SSL bundle's ({@code bundle.getManagers().getKeyManagerFactory()}).
     *
     * @param description what the keys are, for error messages and {@link #toString()}, as in {@code "bundle web"}
     * @throws IllegalArgumentException if the factory is not initialised or has no key manager for X.509
     *                                  certificates
     */
    public static TlsSettings fromKeyManagerFactory(KeyManagerFactory keyManagers, String description) {
        requireNonNull(keyManagers, "keyManagers");
        requireNonNull(description, "description");
        KeyManager[] managers;
        try {
            managers = keyManagers.getKeyManagers();
        } catch (IllegalStateException notInitialised) {
            throw new IllegalArgumentException("tls: " + description + ": the key manager factory is not initialised"
                    + " (expected: one initialised with a private key and its certificate chain)", notInitialised);
        }
        if (Arrays.stream(managers).noneMatch(manager -> manager instanceof X509KeyManager)) {
            throw new IllegalArgumentException("tls: " + description + " has no X.509 key manager (expected: a"
                    + " factory initialised with a private key and its certificate chain)");
        }
        return withDefaults(new KeyManagers(keyManagers), description);
    }

    /** Settings for {@code keys} with the defaults the class overview lists. */
    private static TlsSettings withDefaults(KeySource keys, String description) {
        return new TlsSettings(keys, description, DEFAULT_PROTOCOLS, Http2SecurityUtil.CIPHERS,
                Duration.ofSeconds(10), null, Map.of());
    }

    private static boolean hasKeyEntry(KeyStore keyStore) throws GeneralSecurityException {
        for (String alias : java.util.Collections.list(keyStore.aliases())) {
            if (keyStore.isKeyEntry(alias)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The protocol versions to accept, from {@code TLSv1.3} and {@code TLSv1.2} (older ones are refused: RFC 8996).
     *
     * @throws IllegalArgumentException if the list is empty or names another version
     */
    public TlsSettings withProtocols(String... protocols) {
        List<String> list = List.of(requireNonNull(protocols, "protocols"));
        if (list.isEmpty() || !ALLOWED_PROTOCOLS.containsAll(list)) {
            throw new IllegalArgumentException("tls protocols: " + list + " (expected: one or more of "
                    + ALLOWED_PROTOCOLS + ")");
        }
        return new TlsSettings(keys, description, List.copyOf(list), ciphers, handshakeTimeout, trustedClients,
                byServerName);
    }

    /**
     * The cipher suites to offer, in order of preference, in the names of the JDK ({@code TLS_AES_128_GCM_SHA256},
     * {@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}, ...); those the TLS engine doesn't support are left out.
     *
     * @throws IllegalArgumentException if the list is empty
     */
    public TlsSettings withCiphers(List<String> ciphers) {
        List<String> list = List.copyOf(requireNonNull(ciphers, "ciphers"));
        if (list.isEmpty()) {
            throw new IllegalArgumentException("tls ciphers: [] (expected: at least one cipher suite)");
        }
        return new TlsSettings(keys, description, protocols, list, handshakeTimeout, trustedClients, byServerName);
    }

    /**
     * How long a client may take to complete the handshake before its connection is closed. Default 10 s.
     *
     * @throws IllegalArgumentException if not positive, or longer than 365 days (one that long overflowed when each
     *                                  connection was set up, and every TLS connection was closed at once)
     */
    public TlsSettings withHandshakeTimeout(Duration timeout) {
        requireNonNull(timeout, "handshakeTimeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("tls handshakeTimeout: " + Texts.duration(timeout) + " (expected: > 0)");
        }
        Texts.requireAtMostAYear("tls handshakeTimeout", timeout);
        return new TlsSettings(keys, description, protocols, ciphers, timeout, trustedClients, byServerName);
    }

    /**
     * Admits only clients that present a certificate chaining to one of {@code trustedCertificates} (mutual TLS): a
     * client without one, or with another, fails the handshake and sends no request. The certificate's identity is
     * passed on to the backends as {@code X-Forwarded-Client-Cert} (its SHA-256, subject, URI and DNS names). Default:
     * no client certificate asked for.
     *
     * @param trustedCertificates a PEM file of the certificates (a private CA) client certificates must chain to
     * @return the settings requiring client certificates
     * @throws TlsFileException (an {@link IllegalArgumentException}) if the file can't be read or holds no
     *                          certificate
     */
    public TlsSettings requiringClientCertificates(Path trustedCertificates) {
        requireNonNull(trustedCertificates, "trustedCertificates");
        if (!Files.isReadable(trustedCertificates)) {
            throw new TlsFileException(trustedCertificates, false, "tls: client CA " + trustedCertificates
                    + " (expected: a readable PEM file of trusted certificates)", null);
        }
        try {
            SslContextBuilder.forClient().trustManager(trustedCertificates.toFile());
        } catch (IllegalArgumentException e) {
            throw new TlsFileException(trustedCertificates, false, "tls: client CA " + trustedCertificates + ": "
                    + e.getMessage() + " (expected: a PEM file of trusted certificates)", e);
        }
        return new TlsSettings(keys, description, protocols, ciphers, handshakeTimeout, trustedCertificates,
                byServerName);
    }

    /** The protocol versions accepted. */
    public List<String> protocols() {
        return protocols;
    }

    /** The cipher suites offered, before those the engine doesn't support are left out. */
    public List<String> ciphers() {
        return ciphers;
    }

    /** How long a handshake may take. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * These settings with their keys read again, checked as when they were first given: a PEM certificate and key
     * are read from their files anew (a certificate renewed in place); keys given as a key store or key manager
     * factory are the same objects.
     *
     * @throws TlsFileException (an {@link IllegalArgumentException}) as {@link #fromPem(Path, Path, String)} does
     */
    TlsSettings reread() {
        Map<String, KeySource> names = new LinkedHashMap<>();
        byServerName.forEach((name, source) -> names.put(name, source.reread()));
        return new TlsSettings(keys.reread(), description, protocols, ciphers, handshakeTimeout, trustedClients,
                Collections.unmodifiableMap(names));
    }

    /**
     * Presents the certificate chain and key of {@code certificate}, instead of these settings' own, to clients that
     * ask for {@code serverName} in the handshake (SNI): one listener serving several names, each with its own
     * certificate. Clients that name another server, or none, get these settings' certificate. The protocol
     * versions, cipher suites, handshake timeout and client-certificate rule are these settings' for every name;
     * {@code certificate}'s own are not used. A {@link BlueGreenProxy#reloadTls() reload} reads every name's PEM
     * files again.
     *
     * <pre>{@code
     * TlsSettings.fromPem(Path.of("www.pem"), Path.of("www.key"))
     *         .withCertificateFor("api.example.com", TlsSettings.fromPem(Path.of("api.pem"), Path.of("api.key")))
     *         .withCertificateFor("*.example.net", TlsSettings.fromPem(Path.of("net.pem"), Path.of("net.key")));
     * }</pre>
     *
     * @param serverName  a host name ({@code api.example.com}), or a wildcard ({@code *.example.com}) for the names
     *                    one label below a domain; ASCII (an internationalised name in its {@code xn--} form), case
     *                    does not matter. An exact name wins over a wildcard that also matches.
     * @param certificate the settings whose certificate chain and key to present for that name
     * @return the settings with that name's certificate
     * @throws IllegalArgumentException if {@code serverName} is not a host name or a wildcard of one, was given
     *                                  before, or {@code certificate} has certificates by name of its own
     */
    public TlsSettings withCertificateFor(String serverName, TlsSettings certificate) {
        requireNonNull(certificate, "certificate");
        String name = ServerNames.requireValid(serverName);
        if (byServerName.containsKey(name)) {
            throw new IllegalArgumentException("tls server name: " + name + " was given a certificate already"
                    + " (expected: each name once)");
        }
        if (!certificate.byServerName.isEmpty()) {
            throw new IllegalArgumentException("tls server name " + name + ": " + certificate + " has certificates"
                    + " by name of its own (expected: settings of one certificate)");
        }
        Map<String, KeySource> names = new LinkedHashMap<>(byServerName);
        names.put(name, certificate.keys);
        return new TlsSettings(keys, description, protocols, ciphers, handshakeTimeout, trustedClients,
                Collections.unmodifiableMap(names));
    }

    /** The names given a certificate of their own ({@link #withCertificateFor}), in the order given; lower case. */
    public List<String> serverNames() {
        return List.copyOf(byServerName.keySet());
    }

    /**
     * The settings each server name is served with: its own keys, everything else these settings'; in the order the
     * names were given.
     */
    Map<String, TlsSettings> byServerName() {
        Map<String, TlsSettings> settings = new LinkedHashMap<>();
        byServerName.forEach((name, source) -> settings.put(name, new TlsSettings(source,
                description + " for " + name, protocols, ciphers, handshakeTimeout, trustedClients, Map.of())));
        return settings;
    }

    /** The server contexts: the default one, and one per server name given a certificate of its own. */
    ServerTls.Contexts newServerContexts(boolean http2) {
        Map<String, SslContext> named = new LinkedHashMap<>();
        byServerName().forEach((name, settings) -> named.put(name, settings.newServerContext(http2)));
        return new ServerTls.Contexts(newServerContext(http2), named);
    }

    /**
     * The server context: the engine {@link SslEngines#preferred()} picks, ALPN with {@code h2} first when
     * {@code http2} is on.
     */
    private SslContext newServerContext(boolean http2) {
        List<String> alpn = new ArrayList<>();
        if (http2) {
            alpn.add(ApplicationProtocolNames.HTTP_2);
        }
        alpn.add(ApplicationProtocolNames.HTTP_1_1);
        try {
            SslContextBuilder builder = keys.newBuilder();
            if (trustedClients != null) {
                builder.trustManager(trustedClients.toFile()).clientAuth(ClientAuth.REQUIRE);
            }
            return builder
                    .sslProvider(SslEngines.preferred())
                    .protocols(protocols)
                    .ciphers(ciphers, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(
                            ApplicationProtocolConfig.Protocol.ALPN,
                            // Both engines support these behaviours; a client without a common protocol gets the
                            // fallback (http/1.1) rather than a failed handshake.
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            alpn))
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("tls: cannot build the server context from " + description + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TlsSettings that && keys.equals(that.keys) && description.equals(that.description)
                && protocols.equals(that.protocols) && ciphers.equals(that.ciphers)
                && handshakeTimeout.equals(that.handshakeTimeout) && Objects.equals(trustedClients, that.trustedClients)
                && byServerName.equals(that.byServerName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keys, description, protocols, ciphers, handshakeTimeout, trustedClients, byServerName);
    }

    @Override
    public String toString() {
        return "TlsSettings[" + description + ", " + protocols + ", handshake timeout " + handshakeTimeout
                + (trustedClients == null ? "" : ", client certificates trusted by " + trustedClients)
                + (byServerName.isEmpty() ? "" : ", certificates for " + byServerName.keySet()) + "]";
    }
}
