package dev.bluegreen.proxy.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InterimResponsesTest {

    @Test
    void encodesTheStatusLineAndEveryFieldInOrder_asHttp11Bytes() {
        HttpResponse hints = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(103),
                ArrayHttpHeaders.headersFactory());
        hints.headers().add("Link", "</a.css>; rel=preload").add("link", "</b.js>; rel=preload")
                .add("X-Note", "caf\u00e9");

        ByteBuf bytes = InterimResponses.encode(UnpooledByteBufAllocator.DEFAULT, hints);
        try {
            assertThat(bytes.toString(StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 103 Early Hints\r\n"
                    + "Link: </a.css>; rel=preload\r\nlink: </b.js>; rel=preload\r\nX-Note: caf\u00e9\r\n\r\n");
        } finally {
            bytes.release();
        }
    }
}
