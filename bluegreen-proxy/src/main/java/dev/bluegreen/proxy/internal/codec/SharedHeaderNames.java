package dev.bluegreen.proxy.internal.codec;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
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
 *
 * <p>The lower-case constant of a name Netty knows is Netty's own ({@code HttpHeaderNames.CONTENT_LENGTH} for
 * {@code Content-Length}): the proxy looks fields up by Netty's constants, and {@link #lowerCaseConstant} lets a map
 * find a field by that constant without comparing characters.
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
    /**
     * Every shared spelling ({@link #SPELLINGS}) and, at the same index, its lower-case constant: an open-addressed
     * table by identity, indexed by the name's hash (which {@code AsciiString} keeps once computed), so that a lookup
     * costs a few array reads, not a hash map's.
     */
    private static final AsciiString[] SPELLINGS;
    private static final AsciiString[] LOWER_CASE;

    static {
        Map<String, AsciiString> netty = nettyConstants();
        int longest = 0;
        for (String name : NAMES) {
            longest = Math.max(longest, name.length());
        }
        List<List<AsciiString>> byLength = new ArrayList<>();
        for (int length = 0; length <= longest; length++) {
            byLength.add(new ArrayList<>());
        }
        Map<AsciiString, AsciiString> lowerCase = new IdentityHashMap<>();
        for (String name : NAMES) {
            String lowerText = name.toLowerCase(Locale.ROOT);
            AsciiString lower = netty.getOrDefault(lowerText, AsciiString.cached(lowerText));
            AsciiString asWritten = lowerText.equals(name) ? lower : AsciiString.cached(name);
            byLength.get(name.length()).add(asWritten);
            lowerCase.put(asWritten, lower);
            if (lower != asWritten) {
                byLength.get(name.length()).add(lower);
                lowerCase.put(lower, lower);
            }
        }
        BY_LENGTH = new AsciiString[longest + 1][];
        for (int length = 0; length <= longest; length++) {
            BY_LENGTH[length] = byLength.get(length).toArray(new AsciiString[0]);
        }
        // At most a quarter full: a spelling is found at its slot or a few after it.
        SPELLINGS = new AsciiString[Integer.highestOneBit(lowerCase.size()) * 8];
        LOWER_CASE = new AsciiString[SPELLINGS.length];
        lowerCase.forEach((spelling, lower) -> {
            int slot = slot(spelling);
            while (SPELLINGS[slot] != null) {
                slot = (slot + 1) & (SPELLINGS.length - 1);
            }
            SPELLINGS[slot] = spelling;
            LOWER_CASE[slot] = lower;
        });
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
        AsciiString shared = name instanceof AsciiString ascii ? lowerCaseConstant(ascii) : null;
        return shared != null ? shared : AsciiString.of(name).toLowerCase();
    }

    /**
     * The lower-case constant of {@code name} if {@code name} is one of the shared spellings (this very object, as a
     * decoder handed it out), else {@code null}: Netty's {@code HttpHeaderNames} constant for the names Netty has.
     */
    static AsciiString lowerCaseConstant(AsciiString name) {
        AsciiString[] spellings = SPELLINGS;
        for (int slot = slot(name); ; slot = (slot + 1) & (spellings.length - 1)) {
            AsciiString spelling = spellings[slot];
            if (spelling == name) {
                return LOWER_CASE[slot];
            }
            if (spelling == null) {
                return null;
            }
        }
    }

    /** Where the search for {@code name} starts: its hash, ignoring case (so every spelling of a name starts there). */
    private static int slot(AsciiString name) {
        int hash = name.hashCode();
        return (hash ^ hash >>> 16) & (SPELLINGS.length - 1);
    }

    /** Netty's {@code HttpHeaderNames} constants, by their text. */
    private static Map<String, AsciiString> nettyConstants() {
        Map<String, AsciiString> constants = new HashMap<>();
        for (Field field : HttpHeaderNames.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == AsciiString.class) {
                try {
                    AsciiString constant = (AsciiString) field.get(null);
                    constants.put(constant.toString(), constant);
                } catch (IllegalAccessException cannotHappen) {
                    throw new AssertionError(field + " is public", cannotHappen);
                }
            }
        }
        return constants;
    }
}
