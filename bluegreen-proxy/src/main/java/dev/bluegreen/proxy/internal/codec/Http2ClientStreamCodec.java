package dev.bluegreen.proxy.internal.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The codec of every stream of the client connections: Netty's {@link Http2StreamFrameToHttpObjectCodec}, with a
 * cheaper conversion of the usual response head. Netty's conversion makes a new lower-case {@code AsciiString} for
 * every field name that has an upper-case letter and a map of the names listed in {@code Connection}, on every
 * response; here a response head whose fields need none of its special cases is converted with the shared
 * lower-case names of {@link SharedHeaderNames}, and any other goes to Netty's conversion, whole.
 *
 * <p>The special cases are the fields HTTP/2 forbids or treats apart ({@code Connection} and the fields it names,
 * {@code Keep-Alive}, {@code Proxy-Connection}, {@code Transfer-Encoding}, {@code Host}, {@code Upgrade}, Netty's
 * {@code x-http2-*} fields, {@code TE}, {@code Cookie}): the proxy strips the hop-by-hop ones from every response
 * before it gets here, so in practice a response has none of them. Interim responses, body pieces and whole
 * responses with trailers are Netty's too; a whole response without trailers (the upstream codec gives most
 * responses so) is its head's frame and one DATA frame, as Netty makes them. For the rest the result is exactly
 * Netty's: the {@code :status}, then each field in order with its name in lower case, in a
 * {@link DefaultHttp2Headers} sized as Netty sizes it, validating unless the fields were checked as they were decoded
 * (see {@link ArrayHttpHeaders#checksFields()}).
 *
 * <p>One instance serves every stream: a stream has no channel of its own, and turns its response into frames with
 * {@link #frames}.
 */
@Sharable
public final class Http2ClientStreamCodec extends Http2StreamFrameToHttpObjectCodec {

    /** The names, in lower case, that Netty's conversion drops or treats apart. */
    @SuppressWarnings("deprecation") // Keep-Alive and Proxy-Connection: deprecated as names to send, not to refuse
    private static final Set<AsciiString> SPECIAL_NAMES = Set.of(
            HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_CONNECTION,
            HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.HOST, HttpHeaderNames.UPGRADE, HttpHeaderNames.TE,
            HttpHeaderNames.COOKIE, ExtensionHeaderNames.STREAM_ID.text(), ExtensionHeaderNames.SCHEME.text(),
            ExtensionHeaderNames.PATH.text(), ExtensionHeaderNames.PROTOCOL.text());

    /** A codec for the streams of a server connection, validating headers. */
    public Http2ClientStreamCodec() {
        super(true);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, HttpObject msg, List<Object> out) throws Exception {
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL
                && (!(msg instanceof HttpContent) || isWholeWithoutTrailers(msg))) {
            Http2Headers headers = plainHead(response);
            if (headers != null) {
                addFrames(headers, msg, out);
                return;
            }
        }
        super.encode(ctx, msg, out);
    }

    /**
     * The frames of one message of a response, without a stream set: what this codec's encoder gives, for a stream
     * that has no channel of its own and writes to its connection's frame codec. {@code msg} is not released.
     *
     * @param ctx the connection's context (Netty's conversion reads nothing of it for a response)
     */
    public void frames(ChannelHandlerContext ctx, HttpObject msg, List<Object> out) throws Exception {
        encode(ctx, msg, out);
    }

    /** Whether {@code msg} is a whole response without trailers, as the upstream codec gives one read whole. */
    private static boolean isWholeWithoutTrailers(HttpObject msg) {
        return msg instanceof FullHttpMessage whole && whole.trailingHeaders().isEmpty();
    }

    /**
     * The frames of a response head with {@code headers}; of a whole response, its body too, in the frames Netty's
     * conversion gives it: the HEADERS frame ends the stream if there is no body, else one DATA frame does.
     */
    private static void addFrames(Http2Headers headers, HttpObject msg, List<Object> out) {
        if (!(msg instanceof FullHttpMessage whole)) {
            out.add(new DefaultHttp2HeadersFrame(headers, false));
            return;
        }
        ByteBuf body = whole.content();
        boolean hasBody = body.isReadable();
        out.add(new DefaultHttp2HeadersFrame(headers, !hasBody));
        if (hasBody) {
            // Retained: the encoder releases the message it converted.
            out.add(new DefaultHttp2DataFrame(body.retain(), true));
        }
    }

    /** The HTTP/2 fields of {@code response}, or {@code null} if one of its fields is a special case. */
    static Http2Headers plainHead(HttpResponse response) {
        HttpHeaders head = response.headers();
        // A map that checked its fields as they came (the upstream decoder's, and so every response from a backend)
        // holds names that are tokens, put in lower case below, and values checked by the very rule HTTP/2's map
        // applies (HttpHeaderValidationUtil.validateValidHeaderValue): checking them again here costs ≈ 2 % of the
        // proxy's CPU on h2c and can refuse nothing. Any other map is checked again.
        boolean checkedAlready = head instanceof ArrayHttpHeaders array && array.checksFields();
        Http2Headers fields = new DefaultHttp2Headers(!checkedAlready, head.size());
        fields.status(response.status().codeAsText());
        if (head instanceof ArrayHttpHeaders byIndex) {
            // What the upstream decoder makes: read by index, without an entry per field.
            for (int i = 0, size = byIndex.size(); i < size; i++) {
                if (!addPlain(fields, byIndex.nameAt(i), byIndex.valueAt(i))) {
                    return null;
                }
            }
            return fields;
        }
        for (Iterator<Map.Entry<CharSequence, CharSequence>> each = head.iteratorCharSequence(); each.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> field = each.next();
            if (!addPlain(fields, field.getKey(), field.getValue())) {
                return null;
            }
        }
        return fields;
    }

    /** Adds the field to {@code fields} with its name lower-cased, unless it is a special case. */
    private static boolean addPlain(Http2Headers fields, CharSequence name, CharSequence value) {
        AsciiString lowerCase = SharedHeaderNames.lowerCase(name);
        if (SPECIAL_NAMES.contains(lowerCase)) {
            return false;
        }
        fields.add(lowerCase, value);
        return true;
    }
}
