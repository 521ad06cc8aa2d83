package dev.bluegreen.proxy.internal.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Text that the messages of one connection repeat at one place of their heads (a field's value, the request target):
 * made into a {@code String} once, and that string given again for as long as the bytes stay the same. The bytes are
 * compared with a copy of the last ones ({@link Arrays#equals(byte[], int, int, byte[], int, int)}, which the JIT
 * turns into a vectorized comparison), not with the string's characters one at a time: that loop was 4-5 % of the
 * proxy's CPU samples on HTTP/1.1 (docs/performance.md).
 *
 * <p>One per place per connection; not thread-safe (a connection's bytes arrive on its event loop).
 */
final class RepeatedText {

    private final int maxLength;
    /** The last text given, or {@code null} when it was too long to keep. */
    private String last;
    /** Its bytes, at the start of a copy that grows to the longest text kept and is then rewritten in place. */
    private byte[] lastBytes = new byte[0];

    /** @param maxLength the longest text kept for the next message: the connection holds on to it while it lives */
    RepeatedText(int maxLength) {
        this.maxLength = maxLength;
    }

    /** The ISO-8859-1 text of {@code bytes[start, end)}: the string given last time when the bytes are the same. */
    String of(byte[] bytes, int start, int end) {
        int length = end - start;
        String previous = last;
        if (previous != null && previous.length() == length
                && Arrays.equals(bytes, start, end, lastBytes, 0, length)) {
            return previous;
        }
        String text = new String(bytes, start, length, StandardCharsets.ISO_8859_1);
        if (length <= maxLength) {
            if (lastBytes.length < length) {
                lastBytes = new byte[length];
            }
            System.arraycopy(bytes, start, lastBytes, 0, length);
            last = text;
        } else {
            last = null;
        }
        return text;
    }
}
