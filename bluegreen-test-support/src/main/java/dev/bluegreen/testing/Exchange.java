package dev.bluegreen.testing;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/** One request at a {@link TestBackend} and the state of its response. Event loop only. */
final class Exchange {

    final String method;
    final String uri;
    final String protocol;
    final Map<String, List<String>> headers;
    final Behaviour behaviour;
    final int remotePort;
    final boolean head;
    final boolean http11;
    /** The request announced a body ({@code Content-Length} or chunked), even an empty one. */
    final boolean hasBody;
    private final CRC32 crc = new CRC32();
    boolean keepAlive;
    long bodyBytes;
    boolean released;
    boolean requestComplete;
    boolean responseStarted;
    boolean recorded;
    Runnable gateWaiter;
    PatternBodyWriter download;

    Exchange(HttpRequest request, Behaviour behaviour, int remotePort) {
        this.method = request.method().name();
        this.uri = request.uri();
        this.protocol = request.protocolVersion().text();
        this.headers = HeaderMaps.newMap();
        request.headers().forEach(e -> HeaderMaps.add(headers, e.getKey(), e.getValue()));
        this.behaviour = behaviour;
        this.remotePort = remotePort;
        this.head = HttpMethod.HEAD.equals(request.method());
        this.http11 = request.protocolVersion().compareTo(HttpVersion.HTTP_1_1) >= 0;
        this.hasBody = HttpUtil.isTransferEncodingChunked(request)
                || request.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
        this.keepAlive = HttpUtil.isKeepAlive(request);
    }

    /** Counts and sums a piece of the request body without copying it. */
    void received(ByteBuf data) {
        bodyBytes += data.readableBytes();
        for (ByteBuffer nio : data.nioBuffers()) {
            crc.update(nio);
        }
    }

    String crc32Hex() {
        return Long.toHexString(crc.getValue());
    }

    SeenRequest seen() {
        return new SeenRequest(method, uri, protocol, headers, bodyBytes, crc.getValue(), remotePort);
    }
}
