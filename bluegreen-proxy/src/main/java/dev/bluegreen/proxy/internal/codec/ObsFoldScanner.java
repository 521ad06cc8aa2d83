package dev.bluegreen.proxy.internal.codec;

import io.netty.buffer.ByteBuf;

/**
 * Finds obs-fold (a header line continued on the next line, which starts with a space or tab) in the raw bytes of a
 * request head. Netty's decoder joins folded lines silently; RFC 9112 §5.2 lets a server either do that or refuse
 * the message with 400, and the proxy refuses: a folded header is how requests get read differently by two
 * parsers. Fed the bytes of one head at a time, across reads, as {@link Http1ServerCodec}'s decoder consumes them;
 * it stops at the empty line that ends the head, so the body is never scanned. Not thread-safe (one per connection,
 * on its event loop).
 */
final class ObsFoldScanner {

    private boolean atLineStart;
    /** The line under way has a byte other than CR: it is not the empty line that ends the head. */
    private boolean lineHasContent;
    private boolean sawLine;
    private boolean headEnded;
    private boolean found;

    /** Starts over for the next request head. */
    void reset() {
        atLineStart = false;
        lineHasContent = false;
        sawLine = false;
        headEnded = false;
        found = false;
    }

    /**
     * Starts on a head whose first byte comes next: a line start. (After {@link #reset()} alone, the scanner does
     * not assume a line start, so that bytes fed from the middle of a head can't be taken for a fold.)
     */
    void startOfHead() {
        reset();
        atLineStart = true;
    }

    /** Scans the readable bytes of {@code bytes} without consuming them. */
    void scan(ByteBuf bytes) {
        scan(bytes, bytes.readerIndex(), bytes.writerIndex());
    }

    /**
     * Scans the bytes of {@code bytes} from index {@code from} to {@code end} (exclusive) without consuming them.
     * Jumps from line feed to line feed ({@link ByteBuf#indexOf} looks at several bytes at a time), looking only at
     * the first byte of each line: this runs on every request head Netty's decoder reads.
     */
    void scan(ByteBuf bytes, int from, int end) {
        int i = from;
        while (i < end && !headEnded && !found) {
            if (atLineStart) {
                byte first = bytes.getByte(i);
                if (sawLine && (first == ' ' || first == '\t')) {
                    found = true;
                    return;
                }
                atLineStart = false;
            }
            int lf = bytes.indexOf(i, end, (byte) '\n');
            int segmentEnd = lf < 0 ? end : lf;
            int length = segmentEnd - i;
            if (length > 1 || length == 1 && bytes.getByte(i) != '\r') {
                lineHasContent = true;
            }
            if (lf < 0) {
                return;
            }
            if (lineHasContent) {
                sawLine = true;
            } else if (sawLine) {
                headEnded = true;
                return;
            }
            lineHasContent = false;
            atLineStart = true;
            i = lf + 1;
        }
    }

    /** Whether the head scanned since the last reset has a folded line. */
    boolean found() {
        return found;
    }
}
