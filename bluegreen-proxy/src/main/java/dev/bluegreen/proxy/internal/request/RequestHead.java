package dev.bluegreen.proxy.internal.request;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The head of one client request as the rest of the proxy sees it, whatever protocol it came in on: the HTTP/1.1
 * client codec and the HTTP/2 stream codec both produce one, and it passed the one {@link RequestChecks rules step}
 * before it is built. It carries the head to forward (Netty's {@link HttpRequest}, rewritten in place on its way
 * upstream) and the facts about it that routing and the exchange need, read once.
 *
 * <p>An exchange has one head and {@linkplain #read reads} each request it serves into it: its client's requests
 * come one at a time, and a head per request would be garbage per request. The head also keeps, for the exchange,
 * what the request's and the response's {@code Connection} named besides the usual options, until their trailers
 * pass ({@link TrailerFields}).
 */
public final class RequestHead {

    private HttpRequest message;
    private ClientProtocol protocol;
    private HttpVersion version;
    private boolean keepAlive;
    private boolean hasBody;
    private boolean chunked;
    private boolean expectsContinue;
    private boolean replayable;
    private String upgrade;
    private String connectionNamed;
    private String responseConnectionNamed;

    /** A head that has read no request yet: {@link #message()} is {@code null} until {@link #read}. */
    public RequestHead() {
    }

    /** The head of {@code message}, a request that passed the rules, as it came in on {@code protocol}. */
    public static RequestHead of(HttpRequest message, ClientProtocol protocol) {
        RequestHead head = new RequestHead();
        head.read(message, protocol);
        return head;
    }

    /**
     * Reads the head of {@code message}, a request that passed the rules, as it came in on {@code protocol}, in
     * place of the request it held (whose exchange has ended).
     */
    public void read(HttpRequest message, ClientProtocol protocol) {
        this.message = message;
        this.protocol = protocol;
        this.version = message.protocolVersion();
        // An HTTP/2 stream has no connection of its own to keep or close: its end is the end of the stream.
        this.keepAlive = protocol == ClientProtocol.HTTP_2 || HttpUtil.isKeepAlive(message);
        this.chunked = HttpUtil.isTransferEncodingChunked(message);
        this.hasBody = chunked || HttpUtil.getContentLength(message, 0L) > 0;
        this.expectsContinue = HttpUtil.is100ContinueExpected(message);
        // Read before the head is rewritten for the upstream hop, which strips an Upgrade it does not pass on.
        this.replayable = !hasBody && MessageHeads.isIdempotent(message.method())
                && !message.headers().contains(HttpHeaderNames.UPGRADE);
        this.upgrade = protocol == ClientProtocol.HTTP_1 ? MessageHeads.requestedUpgrade(message) : null;
        this.connectionNamed = null;
        this.responseConnectionNamed = null;
    }

    /** The head to forward; the exchange rewrites it in place for the upstream hop. */
    public HttpRequest message() {
        return message;
    }

    /** The protocol the request came in on. */
    public ClientProtocol protocol() {
        return protocol;
    }

    public HttpMethod method() {
        return message.method();
    }

    /** The request target (origin form, or {@code *}). */
    public String target() {
        return message.uri();
    }

    public HttpHeaders headers() {
        return message.headers();
    }

    /** The client's HTTP version as it arrived (HTTP/1.1 for an HTTP/2 stream). */
    public HttpVersion version() {
        return version;
    }

    /** Whether the client's connection stays open after this exchange, as far as the client is concerned. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** Whether the head announces a body: chunked, or a {@code Content-Length} above zero. */
    public boolean hasBody() {
        return hasBody;
    }

    /** Whether the body arrives in chunks (HTTP/1.1) or streams without a length (HTTP/2). */
    public boolean chunked() {
        return chunked;
    }

    /** Whether the client waits for {@code 100 Continue} before it sends the body. */
    public boolean expectsContinue() {
        return expectsContinue;
    }

    /** Whether the request is for HEAD: its response has no body, whatever its headers say. */
    public boolean isHead() {
        return HttpMethod.HEAD.equals(message.method());
    }

    /** The protocol the request asks to upgrade to (HTTP/1.1 only), or {@code null}. */
    public String upgrade() {
        return upgrade;
    }

    /**
     * Whether the request may be sent again without changing its outcome, should its first attempt fail before any
     * of it reached a backend: an idempotent method (RFC 9110 §9.2.2), no body, no upgrade.
     */
    public boolean replayable() {
        return replayable;
    }

    /**
     * What the request's {@code Connection} named besides the usual options, as {@link HopByHopHeaders#strip}
     * returned it when the head was rewritten for the upstream hop; {@code null} until then, and for nearly every
     * request. Its trailers lose those fields too (RFC 9110 §7.6.1).
     */
    public String connectionNamed() {
        return connectionNamed;
    }

    /** Keeps what the request's {@code Connection} named, as {@link HopByHopHeaders#strip} returned it. */
    public void connectionNamed(String named) {
        this.connectionNamed = named;
    }

    /**
     * What the response's {@code Connection} named besides the usual options, as {@link HopByHopHeaders#strip}
     * returned it when the response head was rewritten for the client; {@code null} until then, and for nearly every
     * response. Its trailers lose those fields too (RFC 9110 §7.6.1).
     */
    public String responseConnectionNamed() {
        return responseConnectionNamed;
    }

    void responseConnectionNamed(String named) {
        this.responseConnectionNamed = named;
    }

    @Override
    public String toString() {
        return message.method() + " " + message.uri();
    }
}
