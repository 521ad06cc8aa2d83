package dev.bluegreen.proxy.internal.codec;

import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The header names backends send on nearly every response ({@code Server}, {@code Date}, {@code Content-Type}, ...)
 * and clients on nearly every request ({@code User-Agent}, {@code Accept-Encoding}, {@code Cookie}, ...), as
 * constants shared by every decoder in each spelling peers use (as written and lower case), and the lower-case
 * constant of each, for HTTP/2, whose field names are lower case (RFC 9113 §8.2.1). Shared names cost no object per
 * message, where Netty makes a new {@code AsciiString} per field name and, to send it over HTTP/2, another.
 */
final class SharedHeaderNames {

    private static final String[] NAMES = {
        "Server", "Date", "Content-Type", "Content-Length", "Connection", "Transfer-Encoding", "Keep-Alive",
        "Cache-Control", "Last-Modified", "ETag", "Vary", "Set-Cookie", "Location", "Content-Encoding",
        "Accept-Ranges", "Expires", "Pragma", "Age", "Via", "X-Backend", "Access-Control-Allow-Origin",
        "Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy",
        "Referrer-Policy", "X-Request-Id", "Upgrade", "Sec-WebSocket-Accept", "Retry-After", "Trailer",
        "grpc-status", "grpc-message",
        // Requests. Host and Accept too: Netty's request decoder shares them only as spelt here, not in lower case.
        "User-Agent", "Accept-Encoding", "Accept-Language", "Accept-Charset", "Cookie", "Referer", "Origin",
        "Authorization", "If-None-Match", "If-Modified-Since", "If-Match", "If-Range", "Range", "Expect", "TE",
        "Upgrade-Insecure-Requests", "DNT", "Priority", "X-Requested-With", "X-Forwarded-For", "X-Forwarded-Proto",
        "X-Forwarded-Host", "Forwarded", "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "Sec-Fetch-User",
        "Sec-Ch-Ua", "Sec-Ch-Ua-Mobile", "Sec-Ch-Ua-Platform", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
        "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "traceparent", "tracestate", "Accept",
        "Host"};

    /** Every spelling of every name, by length. */
    private static final AsciiString[][] BY_LENGTH;
    /** The lower-case constant of each shared spelling, by identity: the decoders hand out these very objects. */
    private static final Map<AsciiString, AsciiString> LOWER_CASE = new IdentityHashMap<>();

    static {
        int longest = 0;
        for (String name : NAMES) {
            longest = Math.max(longest, name.length());
        }
        List<List<AsciiString>> byLength = new ArrayList<>();
        for (int length = 0; length <= longest; length++) {
            byLength.add(new ArrayList<>());
        }
        for (String name : NAMES) {
            AsciiString asWritten = AsciiString.cached(name);
            AsciiString lower = AsciiString.cached(name.toLowerCase(Locale.ROOT));
            byLength.get(name.length()).add(asWritten);
            LOWER_CASE.put(asWritten, lower);
            if (!lower.contentEquals(asWritten)) {
                byLength.get(name.length()).add(lower);
                LOWER_CASE.put(lower, lower);
            }
        }
        BY_LENGTH = new AsciiString[longest + 1][];
        for (int length = 0; length <= longest; length++) {
            BY_LENGTH[length] = byLength.get(length).toArray(new AsciiString[0]);
        }
    }

    private SharedHeaderNames() {
    }

    /** The shared name whose bytes are exactly {@code bytes[start, start + length)}, or {@code null}. */
    static AsciiString sharedName(byte[] bytes, int start, int length) {
        if (length >= BY_LENGTH.length) {
            return null;
        }
        for (AsciiString candidate : BY_LENGTH[length]) {
            byte[] name = candidate.array();
            int offset = candidate.arrayOffset();
            int i = 0;
            while (i < length && name[offset + i] == bytes[start + i]) {
                i++;
            }
            if (i == length) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * {@code name} in lower case: the shared constant for a shared name, {@code name} itself when it has no upper-case
     * letter, else a new {@code AsciiString}.
     */
    static AsciiString lowerCase(CharSequence name) {
        AsciiString shared = LOWER_CASE.get(name);
        return shared != null ? shared : AsciiString.of(name).toLowerCase();
    }
}
