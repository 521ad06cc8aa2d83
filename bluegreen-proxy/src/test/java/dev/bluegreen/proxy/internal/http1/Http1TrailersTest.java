package dev.bluegreen.proxy.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Trailers go to an HTTP/1.1 client that sent {@code TE: trailers}, and to no other; the body goes either way. */
class Http1TrailersTest {

    private final Http1Trailers trailers = new Http1Trailers();

    private void request(String te) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        if (te != null) {
            request.headers().set("TE", te);
        }
        trailers.requestHead(request);
    }

    private LastHttpContent respond() {
        LastHttpContent end = new DefaultLastHttpContent(Unpooled.copiedBuffer("tail", StandardCharsets.US_ASCII));
        end.trailingHeaders().set("grpc-status", "0");
        return (LastHttpContent) trailers.toClient(end);
    }

    @Test
    void clientThatTakesTrailers_getsThem() {
        request("deflate, trailers");
        LastHttpContent end = respond();
        assertThat(end.trailingHeaders().get("grpc-status")).isEqualTo("0");
        assertThat(end.content().toString(StandardCharsets.US_ASCII)).isEqualTo("tail");
        assertThat(end.release()).as("the body's one reference, passed on").isTrue();
    }

    @Test
    void clientThatTakesTrailers_getsOnlyTheFieldsThatMayBeTrailers() {
        request("trailers");
        LastHttpContent end = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, new DefaultHttpHeaders(false)
                .add("grpc-status", "0").add("content-length", "99").add("connection", "close")
                .add("x-forwarded-for", "6.6.6.6"));

        LastHttpContent sent = (LastHttpContent) trailers.toClient(end);

        assertThat(sent.trailingHeaders().names()).containsExactly("grpc-status");
        sent.release();
    }

    @Test
    void clientThatDoesNot_getsTheBodyWithoutThem_evenAfterARequestThatDid() {
        request("trailers");
        respond().release();
        request(null);
        LastHttpContent end = respond();
        assertThat(end.trailingHeaders().isEmpty()).isTrue();
        assertThat(end.content().toString(StandardCharsets.US_ASCII)).isEqualTo("tail");
        assertThat(end.release()).as("the body's one reference, passed on").isTrue();
    }
}
