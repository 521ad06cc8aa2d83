package dev.bluegreen.benchmarks;

/** Finds message heads in raw bytes without allocating, for the benchmark's client and stub backend. */
final class HeadScanner {

    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private HeadScanner() {
    }

    /** The index just past the first {@code CRLF CRLF} in {@code bytes[from, to)}, or -1. */
    static int endOfHead(byte[] bytes, int from, int to) {
        for (int i = from; i + 3 < to; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    /** The value of the {@code Content-Length} field of the head in {@code bytes[0, end)}, or -1 if it has none. */
    static long contentLength(byte[] bytes, int end) {
        for (int line = 0; line < end; ) {
            if (matchesIgnoringCase(bytes, line, end)) {
                long value = 0;
                for (int i = line + CONTENT_LENGTH.length; i < end && bytes[i] != '\r'; i++) {
                    if (bytes[i] >= '0' && bytes[i] <= '9') {
                        value = value * 10 + (bytes[i] - '0');
                    }
                }
                return value;
            }
            while (line < end && bytes[line] != '\n') {
                line++;
            }
            line++;
        }
        return -1;
    }

    private static boolean matchesIgnoringCase(byte[] bytes, int at, int end) {
        if (at + CONTENT_LENGTH.length > end) {
            return false;
        }
        for (int i = 0; i < CONTENT_LENGTH.length; i++) {
            if ((bytes[at + i] | 0x20) != CONTENT_LENGTH[i]) {
                return false;
            }
        }
        return true;
    }
}
