package dev.bluegreen.proxy.internal.codec;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;

/**
 * Makes {@link ArrayHttpHeaders} checked by the validators of one of Netty's factories, with room for
 * {@code capacity} fields before the first growth.
 */
record ArrayHttpHeadersFactory(DefaultHttpHeadersFactory checks, int capacity) implements HttpHeadersFactory {

    /**
     * A new map from {@code factory} with room for {@code fields} fields when it makes array maps, else
     * {@code factory.newHeaders()}: a decoder that has counted a head's lines sizes its map once.
     */
    static HttpHeaders newHeaders(HttpHeadersFactory factory, int fields) {
        return factory instanceof ArrayHttpHeadersFactory arrays ? new ArrayHttpHeaders(arrays.checks, fields)
                : factory.newHeaders();
    }

    @Override
    public HttpHeaders newHeaders() {
        return new ArrayHttpHeaders(checks, capacity);
    }

    @Override
    public HttpHeaders newEmptyHeaders() {
        return new ArrayHttpHeaders(checks, 0);
    }
}
