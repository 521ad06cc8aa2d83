package dev.bluegreen.testing;

import java.util.Arrays;

/**
 * A {@link BodySink} that counts a body and checks it against the test pattern
 * ({@link TestBackend#patternByte(long)}) as it streams, holding nothing.
 *
 * <pre>{@code
 * PatternSink sink = new PatternSink();
 * client.request("GET", "/big", Map.of()).readResponse(sink);
 * sink.verify(100L << 20);
 * }</pre>
 *
 * <p>Not thread-safe; use one per body.
 */
public final class PatternSink implements BodySink {

    private long count;
    private long firstMismatch = -1;

    /** Creates a sink that expects the pattern from byte 0. */
    public PatternSink() {
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        if (firstMismatch < 0) {
            byte[] template = BytePattern.template();
            for (int done = 0; done < length; ) {
                int n = Math.min(BytePattern.CHUNK_SIZE, length - done);
                int from = BytePattern.offsetInTemplate(count + done);
                int at = Arrays.mismatch(bytes, offset + done, offset + done + n, template, from, from + n);
                if (at >= 0) {
                    firstMismatch = count + done + at;
                    break;
                }
                done += n;
            }
        }
        count += length;
    }

    /** Returns how many bytes were received. */
    public long count() {
        return count;
    }

    /** Returns the index of the first byte that differs from the pattern, or -1 if none did. */
    public long firstMismatch() {
        return firstMismatch;
    }

    /** Returns true if exactly {@code expectedBytes} bytes were received, all matching the pattern. */
    public boolean matches(long expectedBytes) {
        return count == expectedBytes && firstMismatch < 0;
    }

    /**
     * Checks that exactly {@code expectedBytes} pattern bytes were received.
     *
     * @throws AssertionError saying what differed
     */
    public void verify(long expectedBytes) {
        if (firstMismatch >= 0) {
            throw new AssertionError("body differs from the pattern at byte " + firstMismatch + " (of " + count
                    + " received)");
        }
        if (count != expectedBytes) {
            throw new AssertionError("body bytes: " + count + " (expected: " + expectedBytes + ")");
        }
    }

    @Override
    public String toString() {
        return "PatternSink[count=" + count + ", firstMismatch=" + firstMismatch + "]";
    }
}
