package dev.bluegreen.proxy.internal.codec;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The short way in for a plain HTTP/1.1 message head: one that is whole in the bytes received, ends every line with
 * CRLF and has nothing in it that Netty's decoder would read in any way but the obvious one. The decoders of
 * {@link Http1ServerCodec} and {@link Http1UpstreamCodec} read such a head here, in one pass over one copy of its
 * bytes, and hand anything else to Netty's decoder untouched: a head cut across two reads, a bare CR or LF, a folded
 * line, a character outside visible ASCII, spaces where one is usual, a {@code Transfer-Encoding}, a head longer than
 * {@value #MAX_HEAD_LENGTH} bytes. So every refusal is still Netty's, with its status and message, and what is read
 * here is what Netty would have read (the differential decoding tests compare the two on generated and mutated
 * input).
 *
 * <p>What it saves is the work between the bytes and the message: Netty copies each line into a buffer of its own,
 * makes a {@code String} per word of the start line and per field value, and a {@code String[]} per start line. Here
 * the head is copied once, and a field value is shared with the previous message's when it is the same value at the
 * same place (a client's {@code Host}, {@code User-Agent} and {@code Accept}; a backend's {@code Server} and
 * {@code Content-Type}), as the connection's last request target is.
 *
 * <p>One per decoder, so one per connection; not thread-safe (a connection's bytes arrive on its event loop).
 */
final class PlainHeads {

    /** The longest head read here: a longer one goes to Netty, so that a connection never holds a bigger copy. */
    static final int MAX_HEAD_LENGTH = 4096;
    /** Field values kept to share with the next message, by position in the head. */
    private static final int SHARED_VALUES = 16;
    /** The longest field value kept to share: a connection holds on to these while it lives. */
    private static final int MAX_SHARED_VALUE_LENGTH = 256;
    /** The methods read here: Netty's constants, as {@code HttpMethod.valueOf} gives them. */
    private static final HttpMethod[] KNOWN_METHODS = {
        HttpMethod.GET, HttpMethod.POST, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.OPTIONS,
        HttpMethod.PATCH, HttpMethod.TRACE, HttpMethod.CONNECT};
    private static final String HTTP_1_1 = HttpVersion.HTTP_1_1.text();
    private static final String HTTP_1_0 = HttpVersion.HTTP_1_0.text();
    /** Whether each byte may be in a field name: RFC 9110 §5.6.2's {@code tchar}. */
    private static final boolean[] TOKEN = tokenBytes();

    /** Makes a field's name from its bytes: the decoder's own, so that names are shared as they are on Netty's way. */
    interface NameSplitter {
        AsciiString splitName(byte[] bytes, int start, int length);
    }

    private final NameSplitter names;
    /** The values of the last message's first fields, by position: made when a field first comes there. */
    private final RepeatedText[] lastValues = new RepeatedText[SHARED_VALUES];
    /**
     * The head being read, from its first byte (the reader index of the buffer it came from). Empty until the first
     * head, so that a connection that never sends one (an idle one, a tunnel) holds no copy.
     */
    private byte[] bytes = new byte[0];
    /**
     * The number of lines between the start line and the empty line of the head copied last: the room its map needs,
     * made once at its size (one field per line: the short way takes no folded line).
     */
    private int fieldLines;

    PlainHeads(NameSplitter names) {
        this.names = names;
    }

    /** The bytes of the head copied by the last {@link #copyHead} that found one. */
    byte[] bytes() {
        return bytes;
    }

    /**
     * Copies the head at {@code in}'s reader index (start line to empty line) into {@link #bytes()} and gives its
     * length, or -1 when there is no whole head there ending every line with CRLF within {@value #MAX_HEAD_LENGTH}
     * bytes (then nothing was copied that matters). Reads nothing from {@code in}.
     */
    int copyHead(ByteBuf in) {
        int from = in.readerIndex();
        int limit = from + Math.min(in.readableBytes(), MAX_HEAD_LENGTH);
        int lineStart = from;
        for (int lines = 0; ; lines++) {
            int lf = in.indexOf(lineStart, limit, (byte) '\n');
            if (lf <= lineStart || in.getByte(lf - 1) != '\r') {
                // No whole line, a bare LF, or a line that is a bare LF: Netty's to read (or refuse).
                return -1;
            }
            if (lf - 1 == lineStart) {
                if (lineStart == from) {
                    // An empty line before the start line: Netty skips those.
                    return -1;
                }
                int length = lf + 1 - from;
                if (bytes.length < length) {
                    bytes = new byte[Math.max(256, Math.min(Integer.highestOneBit(length - 1) << 1, MAX_HEAD_LENGTH))];
                }
                in.getBytes(from, bytes, 0, length);
                fieldLines = lines - 1;
                return length;
            }
            lineStart = lf + 1;
        }
    }

    /**
     * The index of the CR ending the line of {@link #bytes()} that starts at {@code from}, or -1 when a CR comes
     * before it that ends no line (a bare CR). Every LF in a copied head follows a CR, so the first CR is the end.
     */
    int lineEnd(int from, int headLength) {
        for (int i = from; i < headLength; i++) {
            if (bytes[i] == '\r') {
                return bytes[i + 1] == '\n' ? i : -1;
            }
        }
        return -1;
    }

    /**
     * The fields of the head copied last, from the line after its start line (which ends at {@code lineEnd}) to its
     * empty line, in a new map of {@code factory}'s with room for {@code room} more; or {@code null} when they are not
     * all plain or not within {@code maxHeaderSize} bytes as Netty counts them (each line without its CRLF). A field
     * is plain when its name is a token right before the colon, and its value, once the spaces and tabs around it are
     * dropped, has only visible ASCII, spaces and tabs: stricter than the checks of Netty's header factory, which an
     * array map skips for such a field.
     *
     * @throws IllegalArgumentException when a map of another kind refuses a field
     */
    HttpHeaders fields(int lineEnd, int headLength, HttpHeadersFactory factory, int room, int maxHeaderSize) {
        HttpHeaders headers = ArrayHttpHeadersFactory.newHeaders(factory, fieldLines + room);
        return addFields(lineEnd + 2, headLength, headers, maxHeaderSize) ? headers : null;
    }

    /**
     * Adds the fields of the head from the line at {@code from} to {@code headers} and says whether they were all
     * plain and within {@code maxHeaderSize}, as {@link #fields} tells. When this says no, {@code headers} holds some
     * of the fields and is to be dropped.
     */
    private boolean addFields(int from, int headLength, HttpHeaders headers, int maxHeaderSize) {
        int size = 0;
        int lineStart = from;
        for (int index = 0; ; index++) {
            if (bytes[lineStart] == '\r') {
                // The empty line, the last one: copyHead ended the head at it.
                return lineStart + 2 == headLength && size <= maxHeaderSize;
            }
            int nameEnd = lineStart;
            while (TOKEN[bytes[nameEnd] & 0xFF]) {
                nameEnd++;
            }
            if (nameEnd == lineStart || bytes[nameEnd] != ':') {
                // A folded line, a space before the colon, a character no name has, no colon at all.
                return false;
            }
            int valueStart = nameEnd + 1;
            while (isSpaceOrTab(bytes[valueStart])) {
                valueStart++;
            }
            int valueEnd = valueStart;
            int lineEnd = valueStart;
            for (byte b = bytes[lineEnd]; b != '\r'; b = bytes[++lineEnd]) {
                if (b >= 0x21 && b <= 0x7E) {
                    valueEnd = lineEnd + 1;
                } else if (!isSpaceOrTab(b)) {
                    return false;
                }
            }
            if (bytes[lineEnd + 1] != '\n') {
                return false;
            }
            size += lineEnd - lineStart;
            AsciiString name = names.splitName(bytes, lineStart, nameEnd - lineStart);
            if (headers instanceof ArrayHttpHeaders fields) {
                // The map's checks (a token for a name; for a value, a visible first character and no control
                // character but a tab) pass whatever passed here: not checked twice.
                fields.addValid(name, value(index, valueStart, valueEnd));
            } else {
                headers.add(name, value(index, valueStart, valueEnd));
            }
            lineStart = lineEnd + 2;
        }
    }

    /**
     * The message's body length from its {@code Content-Length} field: -1 when it has none, -2 when it has more than
     * one or a value that is not plain digits without a leading zero (Netty's to judge, as it judges any other), and
     * when it has a {@code Transfer-Encoding} too or instead (Netty's to frame).
     */
    static long contentLength(HttpHeaders headers) {
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return -2;
        }
        int fields = ArrayHttpHeaders.count(headers, HttpHeaderNames.CONTENT_LENGTH);
        if (fields == 0) {
            return -1;
        }
        String value = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        int length = value.length();
        if (fields > 1 || length == 0 || length > 18 || length > 1 && value.charAt(0) == '0') {
            return -2;
        }
        long result = 0;
        for (int i = 0; i < length; i++) {
            int digit = value.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -2;
            }
            result = result * 10 + digit;
        }
        return result;
    }

    /**
     * The method the start line of the head (ending at {@code lineEnd}) begins with, followed by a space, when it is
     * one of the methods Netty has a constant for; {@code null} otherwise.
     */
    HttpMethod knownMethod(int lineEnd) {
        for (HttpMethod method : KNOWN_METHODS) {
            int length = method.name().length();
            if (length < lineEnd && bytes[length] == ' ' && sameAscii(bytes, 0, length, method.name())) {
                return method;
            }
        }
        return null;
    }

    /** The version that is exactly the bytes {@code [start, end)} of the head, if it is HTTP/1.1 or 1.0. */
    HttpVersion version(int start, int end) {
        if (end - start != HTTP_1_1.length()) {
            return null;
        }
        return sameAscii(bytes, start, end - start, HTTP_1_1) ? HttpVersion.HTTP_1_1
                : sameAscii(bytes, start, end - start, HTTP_1_0) ? HttpVersion.HTTP_1_0 : null;
    }

    /**
     * Whether the messages Netty's decoder added to {@code out} from {@code first} end with a whole message's last
     * piece, decoded: Netty then holds nothing of a message (it has reset itself), and the next head may be read here.
     */
    static boolean endsMessage(List<Object> out, int first) {
        return out.size() > first && out.get(out.size() - 1) instanceof LastHttpContent last
                && last.decoderResult().isSuccess();
    }

    /** Whether the {@code length} bytes at {@code start} are exactly the characters of {@code text} (ASCII). */
    static boolean sameAscii(byte[] bytes, int start, int length, String text) {
        if (length != text.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[start + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The value at {@code [start, end)} of the field at {@code index}: the previous message's when it is the same. */
    private String value(int index, int start, int end) {
        int length = end - start;
        if (length == 0) {
            return "";
        }
        if (index >= SHARED_VALUES) {
            return new String(bytes, start, length, StandardCharsets.ISO_8859_1);
        }
        RepeatedText value = lastValues[index];
        if (value == null) {
            value = new RepeatedText(MAX_SHARED_VALUE_LENGTH);
            lastValues[index] = value;
        }
        return value.of(bytes, start, end);
    }

    /** The value of a decimal digit, or a negative number large enough to make any sum of three negative. */
    static int digit(byte b) {
        return b >= '0' && b <= '9' ? b - '0' : -1000;
    }

    /**
     * Whether {@code [start, end)} of the head is a reason phrase read here: at least one character, visible ASCII
     * and spaces, beginning and ending with a visible one (Netty drops spaces around it; those heads are Netty's).
     */
    boolean isReason(int start, int end) {
        if (end <= start || !isVisible(bytes[start]) || !isVisible(bytes[end - 1])) {
            return false;
        }
        for (int i = start; i < end; i++) {
            if (!isVisible(bytes[i]) && bytes[i] != ' ') {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code b} is visible ASCII ({@code VCHAR}): what a request target here may have. */
    static boolean isVisible(byte b) {
        return b >= 0x21 && b <= 0x7E;
    }

    private static boolean isSpaceOrTab(byte b) {
        return b == ' ' || b == '\t';
    }

    private static boolean[] tokenBytes() {
        boolean[] token = new boolean[256];
        for (char c = '0'; c <= '9'; c++) {
            token[c] = true;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            token[c] = true;
            token[Character.toLowerCase(c)] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            token[c] = true;
        }
        return token;
    }
}
