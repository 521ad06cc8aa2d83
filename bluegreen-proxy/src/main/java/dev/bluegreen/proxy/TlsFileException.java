package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * A PEM file given to {@link TlsSettings#fromPem(Path, Path, String)} that can't serve TLS, and which one is at fault:
 * the certificate chain (missing, unreadable, no certificate in it) or the private key (missing, unreadable, in a
 * format not supported, a wrong password, or not the key of the chain's first certificate). A command line or a
 * configuration binder can blame the right setting with {@link #isPrivateKey()}, even when both are one file.
 *
 * <p>An {@link IllegalArgumentException}: a caller that only reports bad input needs nothing more.
 */
public final class TlsFileException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The file at fault; a {@link Path} is not serialisable, its text is. */
    private final String file;
    private final boolean privateKey;

    /**
     * @param file       the file at fault
     * @param privateKey whether it was given as the private key (else as the certificate chain)
     * @param message    what is wrong and what was expected, naming the file
     * @param cause      the parser's or the check's own exception, or {@code null}
     */
    TlsFileException(Path file, boolean privateKey, String message, Throwable cause) {
        super(message, cause);
        this.file = requireNonNull(file, "file").toString();
        this.privateKey = privateKey;
    }

    /** The file at fault: the private key's when the key does not match the certificate. */
    public Path file() {
        return Path.of(file);
    }

    /** Whether the file at fault was given as the private key; if not, as the certificate chain. */
    public boolean isPrivateKey() {
        return privateKey;
    }
}
