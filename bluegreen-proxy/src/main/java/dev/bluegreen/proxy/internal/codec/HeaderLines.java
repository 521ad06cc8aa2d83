package dev.bluegreen.proxy.internal.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.netty.util.CharsetUtil;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes a header section's fields as HTTP/1.1 lines ({@code name: value} and CRLF each), byte for byte as Netty's
 * encoders write them (one byte per character: its Latin-1 byte, or {@code ?} beyond U+00FF), for the encoders of
 * both sides ({@link Http1ServerCodec}, {@link Http1UpstreamCodec}) and the interim responses. The fields of an
 * {@link ArrayHttpHeaders} are read by index, so that writing a head makes no entry per field as Netty's iteration
 * would.
 */
final class HeaderLines {

    private static final short COLON_SPACE = (short) (':' << 8 | ' ');
    private static final short CRLF = (short) ('\r' << 8 | '\n');

    private HeaderLines() {
    }

    /** Writes every field of {@code headers} to {@code out}, in order; the blank line that ends a head is not. */
    static void write(HttpHeaders headers, ByteBuf out) {
        if (headers instanceof ArrayHttpHeaders fields) {
            for (int i = 0, size = fields.size(); i < size; i++) {
                writeLine(fields.nameAt(i), fields.valueAt(i), out);
            }
        } else {
            for (Iterator<Map.Entry<CharSequence, CharSequence>> each = headers.iteratorCharSequence();
                    each.hasNext(); ) {
                Map.Entry<CharSequence, CharSequence> field = each.next();
                writeLine(field.getKey(), field.getValue(), out);
            }
        }
    }

    private static void writeLine(CharSequence name, CharSequence value, ByteBuf out) {
        int nameLength = name.length();
        int valueLength = value.length();
        out.ensureWritable(nameLength + valueLength + 4);
        int at = out.writerIndex();
        writeAscii(name, out, at);
        at += nameLength;
        out.setShort(at, COLON_SPACE);
        at += 2;
        writeAscii(value, out, at);
        at += valueLength;
        out.setShort(at, CRLF);
        out.writerIndex(at + 2);
    }

    private static void writeAscii(CharSequence text, ByteBuf out, int at) {
        if (text instanceof AsciiString ascii) {
            ByteBufUtil.copy(ascii, 0, out, at, ascii.length());
        } else {
            out.setCharSequence(at, text, CharsetUtil.US_ASCII);
        }
    }
}
