package dev.bluegreen.proxy.internal.grpc;

import io.netty.buffer.ByteBuf;

/**
 * Where a gRPC body stands in its length-prefixed messages (a flag byte, a 4-byte length, the message), fed the body's
 * bytes as they pass: whether it is between two messages, where trailers may end the call cleanly, or inside one.
 * Reads the bytes without consuming them; allocates nothing. Confined to one stream's event loop.
 */
public final class GrpcMessageFraming {

    private static final int PREFIX_LENGTH = GrpcHealthMessages.PREFIX_LENGTH;

    /** Bytes of the current prefix seen (0-4); 0 while inside a message or between two. */
    private int prefixSeen;
    private long length;
    private long remaining;

    /** Follows the readable bytes of {@code body}. */
    public void advance(ByteBuf body) {
        int index = body.readerIndex();
        int end = body.writerIndex();
        while (index < end) {
            if (remaining > 0) {
                int step = (int) Math.min(remaining, end - index);
                remaining -= step;
                index += step;
                continue;
            }
            byte b = body.getByte(index++);
            // The first byte is the compressed flag; the next four are the length, big-endian.
            length = prefixSeen == 0 ? 0 : length << 8 | (b & 0xFF);
            if (++prefixSeen == PREFIX_LENGTH) {
                prefixSeen = 0;
                remaining = length;
            }
        }
    }

    /** Whether every message begun has ended: trailers now end the call without cutting a message. */
    public boolean atBoundary() {
        return prefixSeen == 0 && remaining == 0;
    }
}
