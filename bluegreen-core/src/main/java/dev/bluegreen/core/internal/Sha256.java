package dev.bluegreen.core.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 digests, for the places that hash: a content-security policy's script hash, a client certificate's
 * fingerprint, a long session name's key. Each encodes the digest as its consumer expects (Base64, hex, Base64url),
 * with the JDK's encoders.
 *
 * <p>Stateless; safe to use from any thread. Each call takes a new {@link MessageDigest}: one is not thread-safe,
 * and the one caller on the request path (a sticky session's key) hashes only names too long to keep as they are,
 * which are rare, so a per-thread digest would not pay for itself.
 */
public final class Sha256 {

    private Sha256() {
    }

    /**
     * The SHA-256 digest of {@code input}.
     *
     * @param input the bytes to hash, not {@code null}
     * @return the 32-byte digest
     * @throws IllegalStateException if this JVM has no SHA-256, which every Java platform is required to have
     */
    public static byte[] digest(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
