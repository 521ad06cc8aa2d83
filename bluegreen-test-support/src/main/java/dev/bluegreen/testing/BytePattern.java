package dev.bluegreen.testing;

import java.util.zip.CRC32;

/**
 * The deterministic byte pattern that test backends send and test clients upload: byte {@code i} of a body is
 * {@code (byte) (i * 31 + 7)}. Because 31 is odd the pattern has a period of 256, so one template of
 * {@link #CHUNK_SIZE} + 256 bytes serves every chunk at every offset without computing bytes one by one.
 */
final class BytePattern {

    /** The size of the chunks written by test backends and clients. */
    static final int CHUNK_SIZE = 64 * 1024;

    private static final int PERIOD = 256;
    private static final byte[] TEMPLATE = new byte[CHUNK_SIZE + PERIOD];

    static {
        for (int i = 0; i < TEMPLATE.length; i++) {
            TEMPLATE[i] = byteAt(i);
        }
    }

    private BytePattern() {
    }

    static byte byteAt(long index) {
        return (byte) (index * 31 + 7);
    }

    /** The shared read-only template; bytes {@code [offsetInTemplate(i), +n)} equal pattern bytes {@code [i, i+n)}. */
    static byte[] template() {
        return TEMPLATE;
    }

    /** Where pattern byte {@code index} starts a run of at least {@link #CHUNK_SIZE} bytes in {@link #template()}. */
    static int offsetInTemplate(long index) {
        return (int) (index & (PERIOD - 1));
    }

    static long crc32(long length) {
        CRC32 crc = new CRC32();
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(CHUNK_SIZE, length - done);
            crc.update(TEMPLATE, offsetInTemplate(done), n);
            done += n;
        }
        return crc.getValue();
    }
}
