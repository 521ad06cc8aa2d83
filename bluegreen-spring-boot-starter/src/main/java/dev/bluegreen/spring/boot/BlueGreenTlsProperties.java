package dev.bluegreen.spring.boot;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code bluegreen.tls.*}: TLS on the proxy's listener, from a Spring Boot SSL bundle or from PEM files; neither set,
 * the listener speaks cleartext. Bound through {@link BlueGreenProperties#getTls()}.
 *
 * <pre>
 * spring.ssl.bundle.pem.web.keystore.certificate=file:/etc/bluegreen/cert.pem
 * spring.ssl.bundle.pem.web.keystore.private-key=file:/etc/bluegreen/key.pem
 * bluegreen.tls.bundle=web
 * </pre>
 */
public class BlueGreenTlsProperties {
    /**
     * The name of a Spring Boot SSL bundle (spring.ssl.bundle.pem.NAME.* or spring.ssl.bundle.jks.NAME.*) whose key
     * store holds the proxy's private key and certificate chain; the bundle's protocols and ciphers, when it sets
     * them, replace the proxy's defaults (TLS 1.3 and 1.2, AEAD suites with forward secrecy).
     */
    private String bundle;
    /** A PEM file: the proxy's certificate, then its intermediates; with private-key, instead of a bundle. */
    private String certificate;
    /** A PEM file: the certificate's PKCS#8 private key. */
    private String privateKey;
    /** The private key's password, if the PEM key is encrypted. */
    private String keyPassword;
    /** A PEM file of certificates (a private CA): only clients whose certificate chains to one are admitted. */
    private String clientCa;
    /**
     * Server name (SNI) to the name of the SSL bundle whose key and certificate chain clients asking for it get, as in
     * bluegreen.tls.server-name-bundles[api.example.com]=api or [*.example.com] for the names one label below a
     * domain; other clients get the listener's own (bundle, or certificate and private-key).
     */
    private Map<String, String> serverNameBundles = new LinkedHashMap<>();

    /** Creates the properties, all unset; Spring does this. */
    public BlueGreenTlsProperties() {
    }

    /** @return the SSL bundle's name, or {@code null} */
    public String getBundle() {
        return bundle;
    }

    /** @param bundle the SSL bundle's name */
    public void setBundle(String bundle) {
        this.bundle = bundle;
    }

    /** @return the certificate chain's PEM file, or {@code null} */
    public String getCertificate() {
        return certificate;
    }

    /** @param certificate the certificate chain's PEM file */
    public void setCertificate(String certificate) {
        this.certificate = certificate;
    }

    /** @return the private key's PEM file, or {@code null} */
    public String getPrivateKey() {
        return privateKey;
    }

    /** @param privateKey the private key's PEM file */
    public void setPrivateKey(String privateKey) {
        this.privateKey = privateKey;
    }

    /** @return the private key's password, or {@code null} */
    public String getKeyPassword() {
        return keyPassword;
    }

    /** @param keyPassword the private key's password */
    public void setKeyPassword(String keyPassword) {
        this.keyPassword = keyPassword;
    }

    /** @return the client CA's PEM file, or {@code null} */
    public String getClientCa() {
        return clientCa;
    }

    /** @param clientCa the client CA's PEM file */
    public void setClientCa(String clientCa) {
        this.clientCa = clientCa;
    }

    /** @return server name to SSL bundle name, in the order given; empty when none */
    public Map<String, String> getServerNameBundles() {
        return serverNameBundles;
    }

    /** @param serverNameBundles server name to SSL bundle name */
    public void setServerNameBundles(Map<String, String> serverNameBundles) {
        this.serverNameBundles = serverNameBundles;
    }
}
