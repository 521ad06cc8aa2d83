package dev.bluegreen.proxy.internal.mirror;

import dev.bluegreen.core.Backend;
import dev.bluegreen.proxy.MirrorSettings;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Set;

/**
 * Makes the mirrored copy of a live request head. It is copied once the proxy has rewritten the live head for its
 * upstream hop, so the idle colour sees what the live colour saw: hop-by-hop headers stripped, forwarding headers set,
 * the proxy's session cookie and preview secret removed. On top of that, the headers the settings strip are removed,
 * the marker header is added, {@code Expect} is dropped (the body goes whole, at once) and the body is framed by its
 * length. Immutable and thread-safe.
 */
final class MirrorRequests {

    private final Set<String> stripped;
    private final String marker;

    MirrorRequests(MirrorSettings settings) {
        this.stripped = settings.strippedHeaders();
        this.marker = settings.markerHeader();
    }

    /** A copy of {@code live} for the idle colour; the live head is left as it is. */
    HttpRequest copyOf(HttpRequest live) {
        HttpHeaders headers = live.headers().copy();
        for (String name : stripped) {
            headers.remove(name);
        }
        headers.remove(HttpHeaderNames.EXPECT);
        headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        if (marker != null) {
            headers.set(marker, "1");
        }
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, live.method(), live.uri(), headers);
    }

    /**
     * Frames {@code copy} for sending to {@code backend}: a {@code Content-Length} when it has a body (or the live
     * request announced one), and a {@code Host} naming the backend when the live request had none.
     */
    static void frame(HttpRequest copy, int bodyLength, boolean announcedBody, Backend backend) {
        if (bodyLength > 0 || announcedBody) {
            copy.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bodyLength);
        }
        if (!copy.headers().contains(HttpHeaderNames.HOST)) {
            copy.headers().set(HttpHeaderNames.HOST, backend.authority());
        }
    }
}
