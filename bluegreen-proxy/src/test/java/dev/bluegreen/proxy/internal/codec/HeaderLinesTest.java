package dev.bluegreen.proxy.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.AsciiString;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link HeaderLines} writes the bytes Netty's own encoders write for the same fields. */
class HeaderLinesTest {

    @Test
    void writesWhatNettysEncoderWritesForRandomFields() {
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            HttpHeaders array = ArrayHttpHeaders.unchecked();
            HttpHeaders netty = new DefaultHttpHeaders(false);
            int fields = random.nextInt(20);
            for (int i = 0; i < fields; i++) {
                CharSequence name = text(random, 1 + random.nextInt(12));
                CharSequence value = text(random, random.nextInt(40));
                array.add(name, value);
                netty.add(name, value);
            }
            if (fields > 2 && random.nextBoolean()) {
                // A map changed after it was filled, as the proxy changes heads before forwarding them.
                CharSequence removed = ((ArrayHttpHeaders) array).nameAt(random.nextInt(fields));
                array.remove(removed);
                netty.remove(removed);
            }
            String expected = nettysLines(netty);
            assertThat(lines(array)).as("round %d", round).isEqualTo(expected);
            assertThat(lines(netty)).as("round %d, a map of Netty's", round).isEqualTo(expected);
        }
    }

    /** Text of {@code length} characters: mostly ASCII, some Latin-1 and beyond, as String, AsciiString or other. */
    private static CharSequence text(Random random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(20);
            text.append((char) (kind == 0 ? 0x80 + random.nextInt(0x100) : kind == 1 ? random.nextInt(0x20)
                    : 0x20 + random.nextInt(0x5f)));
        }
        return switch (random.nextInt(3)) {
            case 0 -> text.toString();
            case 1 -> new AsciiString(text);
            default -> text;
        };
    }

    private static String lines(HttpHeaders headers) {
        ByteBuf out = Unpooled.buffer(4);
        try {
            HeaderLines.write(headers, out);
            return ByteBufUtil.hexDump(out);
        } finally {
            out.release();
        }
    }

    private static String nettysLines(HttpHeaders headers) {
        ByteBuf out = Unpooled.buffer(4);
        try {
            new NettysEncoder().writeHeaders(headers, out);
            return ByteBufUtil.hexDump(out);
        } finally {
            out.release();
        }
    }

    /** Netty's response encoder, for its way of writing header lines. */
    private static final class NettysEncoder extends HttpResponseEncoder {
        void writeHeaders(HttpHeaders headers, ByteBuf out) {
            super.encodeHeaders(headers, out);
        }
    }
}
