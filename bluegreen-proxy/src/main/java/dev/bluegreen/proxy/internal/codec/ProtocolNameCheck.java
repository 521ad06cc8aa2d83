package dev.bluegreen.proxy.internal.codec;

import io.netty.buffer.ByteBuf;

/**
 * Checks that a request line Netty's decoder reads names its protocol {@code HTTP} in upper case. RFC 9112 §2.3:
 * {@code HTTP-name} is case-sensitive; Netty's decoder upper-cases the version it reads, so {@code GET / http/1.1}
 * would pass as HTTP/1.1 and be forwarded as such, while the proxy's docs (and nginx) refuse an unknown protocol.
 * Fed the bytes Netty consumed for a head, call by call, from the head's first byte; Netty consumes whole lines only,
 * so the request line is whole in the bytes of one call. Empty lines before it are skipped, as Netty skips them. Not
 * thread-safe (one per connection, on its event loop).
 */
final class ProtocolNameCheck {

    private static final String HTTP_NAME = "HTTP/";

    private boolean checked;
    private boolean refused;

    /** Starts over for the next request head. */
    void startOfHead() {
        checked = false;
        refused = false;
    }

    /** Looks at the bytes {@code [from, end)} of {@code bytes}, without consuming them, until the request line. */
    void scan(ByteBuf bytes, int from, int end) {
        int lineStart = from;
        while (!checked && lineStart < end) {
            int lf = bytes.indexOf(lineStart, end, (byte) '\n');
            if (lf < 0) {
                return;
            }
            int lineEnd = lf > lineStart && bytes.getByte(lf - 1) == '\r' ? lf - 1 : lf;
            if (lineEnd > lineStart) {
                checked = true;
                refused = !namesHttp(bytes, lineStart, lineEnd);
            }
            lineStart = lf + 1;
        }
    }

    /**
     * Whether the last word of the line starts with {@code HTTP/}; a line without one is left to Netty's decoder,
     * which refuses it (HTTP/0.9, a missing version).
     */
    private static boolean namesHttp(ByteBuf bytes, int lineStart, int lineEnd) {
        int space = bytes.forEachByteDesc(lineStart, lineEnd - lineStart, b -> b != ' ');
        if (space < 0 || lineEnd - (space + 1) < HTTP_NAME.length()) {
            return true;
        }
        for (int i = 0; i < HTTP_NAME.length(); i++) {
            if (bytes.getByte(space + 1 + i) != HTTP_NAME.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the request line of the head scanned since {@link #startOfHead()} names another protocol. */
    boolean refused() {
        return refused;
    }
}
