package dev.bluegreen.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Finds obs-fold (a header line continued on the next line, which starts with a space or tab) in the raw bytes of a
 * request head. Netty's decoder joins folded lines silently; RFC 9112 §5.2 lets a server either do that or refuse
 * the message with 400, and the proxy refuses: a folded header is how requests get read differently by two
 * parsers. Fed the bytes of one head at a time, across reads; it stops at the empty line that ends the head, so
 * the body is never scanned. Not thread-safe (one per connection, on its event loop).
 */
final class ObsFoldScanner implements ByteProcessor {

    private boolean atLineStart;
    private boolean lineEmpty = true;
    private boolean sawLine;
    private boolean headEnded;
    private boolean found;

    /** Starts over for the next request head. */
    void reset() {
        atLineStart = false;
        lineEmpty = true;
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
        if (!headEnded && !found) {
            bytes.forEachByte(this);
        }
    }

    /** Whether the head scanned since the last reset has a folded line. */
    boolean found() {
        return found;
    }

    @Override
    public boolean process(byte b) {
        if (b == '\n') {
            if (lineEmpty && sawLine) {
                headEnded = true;
                return false;
            }
            atLineStart = true;
            lineEmpty = true;
            return true;
        }
        if (b == '\r') {
            return true;
        }
        if (atLineStart && sawLine && (b == ' ' || b == '\t')) {
            found = true;
            return false;
        }
        atLineStart = false;
        lineEmpty = false;
        sawLine = true;
        return true;
    }
}
