package dev.bluegreen.proxy.internal.codec;

import dev.bluegreen.proxy.RequestLimits;
import io.netty.handler.codec.http.HttpDecoderConfig;

/** The HTTP/1.1 codecs of both sides, configured in one place. */
public final class Http1Codecs {

    /**
     * Bodies pass through in slices of at most this many bytes: large enough that a fast transfer is few messages,
     * small enough that one slice is cheap to hold while the other side catches up.
     */
    public static final int MAX_CHUNK_SIZE = 64 * 1024;
    public static final int MAX_INITIAL_LINE_LENGTH = 8 * 1024;
    public static final int MAX_HEADER_SIZE = 16 * 1024;

    private Http1Codecs() {
    }

    /**
     * The decoders' settings, shared by both sides (a new object each time: callers may change it). Public for the
     * benchmarks, which decode with exactly these.
     */
    public static HttpDecoderConfig decoderConfig() {
        return new HttpDecoderConfig()
                // First: it replaces both factories with Netty's own.
                .setValidateHeaders(true)
                // Every message's fields in one array, checked as Netty's validating factories check them; a body's
                // last piece comes with trailers of its own, which take no room until a field arrives.
                .setHeadersFactory(ArrayHttpHeaders.headersFactory())
                .setTrailersFactory(ArrayHttpHeaders.trailersFactory())
                .setMaxInitialLineLength(MAX_INITIAL_LINE_LENGTH)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setMaxChunkSize(MAX_CHUNK_SIZE)
                // RFC 9112 §2.2: a bare CR or LF in the start line or header section is not a line ending.
                .setStrictLineParsing(true)
                // RFC 9112 §6.1: Transfer-Encoding and Content-Length together is a framing error, not a tie-break.
                .setUseRfc9112TransferEncoding(true);
    }

    /** The codec on a client connection. */
    public static Http1ServerCodec client() {
        return new Http1ServerCodec(decoderConfig());
    }

    /**
     * The codec on a client connection, with the request line (414) and header section (431) limits of
     * {@code limits}.
     */
    public static Http1ServerCodec client(RequestLimits limits) {
        return new Http1ServerCodec(decoderConfig()
                .setMaxInitialLineLength(limits.maxRequestLineLength())
                .setMaxHeaderSize(limits.maxHeaderSize()));
    }

    /** The codec on a connection to a backend. */
    public static Http1UpstreamCodec upstream() {
        return new Http1UpstreamCodec(decoderConfig());
    }
}
