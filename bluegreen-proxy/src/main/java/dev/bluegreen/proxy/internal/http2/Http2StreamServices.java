package dev.bluegreen.proxy.internal.http2;

import dev.bluegreen.proxy.internal.codec.Http2ClientStreamCodec;
import dev.bluegreen.proxy.internal.exchange.LoopContexts;
import dev.bluegreen.proxy.internal.mirror.Mirror;
import dev.bluegreen.proxy.internal.request.RequestRules;

/**
 * What every HTTP/2 stream of every client connection uses, made once per proxy.
 *
 * @param loops       the event loops' services
 * @param streamCodec turns a response into frames; one for all streams
 * @param rules       the rules every request is checked by
 * @param mirror      shadow traffic, or {@code null} when it is off
 */
public record Http2StreamServices(LoopContexts loops, Http2ClientStreamCodec streamCodec, RequestRules rules,
        Mirror mirror) {
}
