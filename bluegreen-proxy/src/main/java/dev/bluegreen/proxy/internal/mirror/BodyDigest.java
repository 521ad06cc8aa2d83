package dev.bluegreen.proxy.internal.mirror;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * A digest of a body taken piece by piece as it streams, so that no body is held whole: its length and two CRCs
 * (CRC-32C and CRC-32, both computed by the CPU's own instructions on current JDKs), 64 bits in all. A cryptographic
 * hash would cost several times more on the event loop for nothing: the bodies compared are not chosen by someone
 * trying to make two differing ones collide. Not thread-safe; one per body.
 */
final class BodyDigest {

    private final CRC32C crc32c = new CRC32C();
    private final CRC32 crc32 = new CRC32();
    private long length;

    /** Adds the readable bytes of {@code bytes}, leaving its indexes as they are. */
    void update(ByteBuf bytes) {
        int readable = bytes.readableBytes();
        if (readable == 0) {
            return;
        }
        if (bytes.hasArray()) {
            update(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), readable);
            return;
        }
        for (ByteBuffer piece : bytes.nioBuffers(bytes.readerIndex(), readable)) {
            crc32c.update(piece.duplicate());
            crc32.update(piece);
        }
        length += readable;
    }

    /** Adds {@code length} bytes of {@code bytes} from {@code offset}. */
    void update(byte[] bytes, int offset, int length) {
        crc32c.update(bytes, offset, length);
        crc32.update(bytes, offset, length);
        this.length += length;
    }

    /** Bytes added so far. */
    long length() {
        return length;
    }

    /** The digest of what was added so far. */
    long value() {
        return crc32c.getValue() << 32 | crc32.getValue();
    }

    /** Whether {@code other} digested the same bytes (as far as 64 bits tell). */
    boolean sameAs(BodyDigest other) {
        return length == other.length && value() == other.value();
    }
}
