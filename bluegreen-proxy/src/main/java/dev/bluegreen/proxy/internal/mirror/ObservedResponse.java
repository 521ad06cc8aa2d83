package dev.bluegreen.proxy.internal.mirror;

import dev.bluegreen.proxy.MirrorReport;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One answer of a pair as the comparison needs it, taken as the response streams past: its status, the compared
 * headers, a digest of its body ({@link BodyDigest}), the first bytes of its body for a mismatch sample, and, when its
 * body is JSON to be compared without some members, the body itself up to the JSON limit. Nothing else of the body is
 * kept. Runs on one event loop; not thread-safe.
 */
final class ObservedResponse {

    private final PairComparator rules;
    private final Map<String, String> headers = new TreeMap<>();
    private final BodyDigest raw = new BodyDigest();
    private int status;
    private String mediaType = "";
    private byte[] excerpt;
    private int excerptLength;
    private byte[] json;
    private int jsonLength;
    private boolean jsonTooLarge;
    private BodyDigest canonical;

    ObservedResponse(PairComparator rules) {
        this.rules = rules;
    }

    /** The response head. */
    void head(HttpResponse response) {
        status = response.status().code();
        for (String name : rules.comparedHeaders()) {
            List<String> values = response.headers().getAll(name);
            if (!values.isEmpty()) {
                headers.put(name, String.join(", ", values));
            }
        }
        String contentType = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (contentType != null) {
            headers.put(HttpHeaderNames.CONTENT_TYPE.toString(), contentType);
            int semicolon = contentType.indexOf(';');
            mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim()
                    .toLowerCase(Locale.ROOT);
        }
        if (rules.filtersJson(mediaType)) {
            json = new byte[Math.min(rules.maxJsonSize(), 1024)];
        }
    }

    /** A piece of the body; read, never kept, its indexes untouched. */
    void content(ByteBuf bytes) {
        int readable = bytes.readableBytes();
        if (readable == 0) {
            return;
        }
        raw.update(bytes);
        int wanted = Math.min(readable, rules.sampleBodySize() - excerptLength);
        if (wanted > 0) {
            if (excerpt == null) {
                excerpt = new byte[rules.sampleBodySize()];
            }
            bytes.getBytes(bytes.readerIndex(), excerpt, excerptLength, wanted);
            excerptLength += wanted;
        }
        if (json != null) {
            keepJson(bytes, readable);
        }
    }

    private void keepJson(ByteBuf bytes, int readable) {
        if (jsonLength + readable > rules.maxJsonSize()) {
            // Too large to parse within the limit: compared byte for byte instead.
            json = null;
            jsonTooLarge = true;
            return;
        }
        if (jsonLength + readable > json.length) {
            json = Arrays.copyOf(json, Math.min(rules.maxJsonSize(), Math.max(json.length * 2, jsonLength + readable)));
        }
        bytes.getBytes(bytes.readerIndex(), json, jsonLength, readable);
        jsonLength += readable;
    }

    /** The body has ended: a JSON body kept whole is digested in its canonical form, if it parses. */
    void end() {
        if (json == null) {
            return;
        }
        String form = new JsonCanonicalizer(rules.ignoredJsonMembers())
                .canonical(new String(json, 0, jsonLength, StandardCharsets.UTF_8));
        json = null;
        if (form != null) {
            byte[] bytes = form.getBytes(StandardCharsets.UTF_8);
            canonical = new BodyDigest();
            canonical.update(bytes, 0, bytes.length);
        }
    }

    int status() {
        return status;
    }

    /** The value of a compared header (several joined by {@code ", "}), or {@code null} when absent. */
    String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    /** The media type, lower case without parameters; empty without a {@code Content-Type}. */
    String mediaType() {
        return mediaType;
    }

    long bodyBytes() {
        return raw.length();
    }

    /** Whether the body was compared in its canonical JSON form. */
    boolean comparedAsJson() {
        return canonical != null;
    }

    /** Whether the body was JSON to parse but larger than the limit. */
    boolean jsonTooLarge() {
        return jsonTooLarge;
    }

    /** The digest the comparison uses: of the canonical JSON form when there is one, else of the bytes. */
    BodyDigest digest() {
        return canonical != null ? canonical : raw;
    }

    /** This side, for a mismatch sample. */
    MirrorReport.Side side() {
        String body = excerpt == null ? "" : new String(excerpt, 0, excerptLength, StandardCharsets.UTF_8);
        return new MirrorReport.Side(status, headers, raw.length(), body);
    }
}
