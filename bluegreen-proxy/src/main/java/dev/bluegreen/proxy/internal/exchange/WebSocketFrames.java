package dev.bluegreen.proxy.internal.exchange;

import io.netty.buffer.ByteBuf;

/**
 * Follows the frame boundaries of one direction of a relayed WebSocket (RFC 6455 §5.2) without touching the bytes,
 * so that a close frame can be put between two frames when the connection must go away. Only the frame headers are
 * read; payloads are skipped by length.
 */
public final class WebSocketFrames {

    private final byte[] header = new byte[14];
    private int headerRead;
    private int headerLength = 2;
    private long payloadLeft;

    /** Whether the bytes seen so far end exactly at the end of a frame. */
    boolean atBoundary() {
        return headerRead == 0 && payloadLeft == 0;
    }

    /**
     * Follows the readable bytes of {@code buf} (its indexes are not moved).
     *
     * @param stopAtBoundary stop at the first frame boundary instead of following the whole buffer
     * @return with {@code stopAtBoundary}, how many of the readable bytes come before the first boundary (0 if the
     *         bytes seen so far already end at one), or -1 if the buffer ends before a boundary; without it, -1
     */
    int follow(ByteBuf buf, boolean stopAtBoundary) {
        int start = buf.readerIndex();
        int end = buf.writerIndex();
        if (stopAtBoundary && atBoundary()) {
            return 0;
        }
        int i = start;
        while (i < end) {
            if (payloadLeft > 0) {
                int skip = (int) Math.min(payloadLeft, end - i);
                payloadLeft -= skip;
                i += skip;
            } else {
                header[headerRead++] = buf.getByte(i++);
                if (headerRead == 2) {
                    headerLength = 2 + extendedLengthBytes() + ((header[1] & 0x80) != 0 ? 4 : 0);
                }
                if (headerRead >= 2 && headerRead == headerLength) {
                    payloadLeft = payloadLength();
                    headerRead = 0;
                    headerLength = 2;
                }
            }
            if (stopAtBoundary && atBoundary()) {
                return i - start;
            }
        }
        return -1;
    }

    private int extendedLengthBytes() {
        int length7 = header[1] & 0x7f;
        return length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    }

    private long payloadLength() {
        int length7 = header[1] & 0x7f;
        if (length7 < 126) {
            return length7;
        }
        int bytes = length7 == 126 ? 2 : 8;
        long length = 0;
        for (int i = 0; i < bytes; i++) {
            length = (length << 8) | (header[2 + i] & 0xff);
        }
        // RFC 6455 §5.2: the most significant bit of a 64-bit length must be 0; a broken peer can't make us wrap.
        return length & Long.MAX_VALUE;
    }

    /** A close frame with status 1001 (going away), as a server sends it to a client: unmasked. */
    static void writeCloseToClient(ByteBuf out) {
        out.writeByte(0x88).writeByte(0x02).writeShort(1001);
    }

    /** A close frame with status 1001 (going away), as a client sends it to a server: masked (RFC 6455 §5.3). */
    static void writeCloseToServer(ByteBuf out, int maskKey) {
        out.writeByte(0x88).writeByte(0x82).writeInt(maskKey);
        out.writeByte((1001 >> 8) ^ (maskKey >>> 24)).writeByte((1001 & 0xff) ^ ((maskKey >>> 16) & 0xff));
    }
}
