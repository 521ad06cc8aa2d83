package dev.bluegreen.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Receives a response body as {@link RawHttpClient} reads it, piece by piece, so that a test can check a body
 * of any size without holding it. See {@link PatternSink} for a sink that verifies the test pattern.
 */
@FunctionalInterface
public interface BodySink {

    /**
     * Takes the next {@code length} body bytes from {@code bytes[offset..]}. The array is reused after the call
     * returns; copy what must be kept.
     *
     * @throws IOException to abort reading the response
     */
    void write(byte[] bytes, int offset, int length) throws IOException;

    /** A sink that drops the body. */
    static BodySink discard() {
        return (bytes, offset, length) -> { };
    }

    /** A sink that writes the body to {@code out} (which it neither flushes nor closes). */
    static BodySink to(OutputStream out) {
        requireNonNull(out, "out");
        return out::write;
    }
}
