package dev.bluegreen.proxy;

import io.netty.handler.ssl.SslContext;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * Reads a PEM certificate chain and private key as the TLS engines will, and checks that the key is the one of the
 * chain's first certificate, so that a pair that can never complete a handshake fails at start, naming its files,
 * rather than at every handshake with an alert the client sees and the log, by default, does not (a mismatched pair
 * parses, and both engines build a context from it).
 *
 * <p>The check signs a small challenge with the private key and verifies it with the certificate's public key: it
 * works alike for RSA, EC and EdDSA keys, without reading any key's parameters. Stateless.
 */
final class PemKeyPair {

    private static final byte[] CHALLENGE = "bluegreen: does this key belong to this certificate?"
            .getBytes(StandardCharsets.US_ASCII);

    private PemKeyPair() {
    }

    /**
     * Reads both files and checks that they belong together.
     *
     * @param password the key's password, or {@code null} if it is not encrypted
     * @throws TlsFileException naming the file at fault
     */
    static void check(Path certificateChain, Path privateKey, String password) {
        X509Certificate[] chain;
        try {
            chain = Pem.certificates(certificateChain.toFile());
        } catch (Exception e) {
            throw new TlsFileException(certificateChain, false, "tls certificate chain " + certificateChain
                    + ": not usable: " + e.getMessage() + " (expected: a PEM certificate chain)", e);
        }
        if (chain.length == 0) {
            throw new TlsFileException(certificateChain, false, "tls certificate chain " + certificateChain
                    + ": no certificate in it (expected: a PEM certificate chain)", null);
        }
        PrivateKey key;
        try {
            key = Pem.privateKey(privateKey.toFile(), password);
        } catch (Exception e) {
            throw new TlsFileException(privateKey, true, "tls private key " + privateKey + ": not usable: "
                    + e.getMessage() + " (expected: a PKCS#8 PEM private key" + (password == null ? "" : " and its"
                    + " password") + ")", e);
        }
        if (!belongTogether(key, chain[0].getPublicKey())) {
            throw new TlsFileException(privateKey, true, "tls private key " + privateKey + " does not match the"
                    + " certificate " + certificateChain + " (expected: the private key of the chain's first"
                    + " certificate, " + chain[0].getSubjectX500Principal().getName() + ")", null);
        }
    }

    /** Whether {@code publicKey} verifies what {@code key} signs; a key type this can't sign with is let through. */
    static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = signatureAlgorithm(key.getAlgorithm());
        if (algorithm == null) {
            // Not a key type a TLS server certificate usually has (DSA, RSASSA-PSS with parameters): the engines
            // judge it, as before.
            return true;
        }
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(CHALLENGE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(CHALLENGE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // A key of another size or curve than the certificate's fails to sign or verify: not the same pair.
            return false;
        }
    }

    private static String signatureAlgorithm(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> keyAlgorithm;
            default -> null;
        };
    }

    /**
     * Netty's PEM readers, the ones {@code SslContextBuilder.forServer(File, File, String)} uses, so that the check
     * reads the files exactly as the context will. They are protected static methods of {@link SslContext}: this
     * abstract subclass, never instantiated, only passes them on.
     */
    private abstract static class Pem extends SslContext {

        static X509Certificate[] certificates(File file) throws Exception {
            return toX509Certificates(file);
        }

        static PrivateKey privateKey(File file, String password) throws Exception {
            return toPrivateKey(file, password);
        }
    }
}
