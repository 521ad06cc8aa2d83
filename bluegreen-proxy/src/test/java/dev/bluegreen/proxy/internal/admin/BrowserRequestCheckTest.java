package dev.bluegreen.proxy.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BrowserRequestCheckTest {

    private final BrowserRequestCheck check = new BrowserRequestCheck(new HostAllowList(Set.of("admin.internal")),
            new OriginPolicy(Set.of(), "http"));
    private final EmbeddedChannel channel = new LoopbackChannel();

    @AfterEach
    void noBufferLeftBehind() {
        assertThat(channel.finishAndReleaseAll()).as("nothing left in the channel").isFalse();
    }

    @Test
    void allowedHostAndNoOrigin_isPassedOn_untouched() {
        channel.pipeline().addLast(check);
        FullHttpRequest request = request(HttpVersion.HTTP_1_1, HttpMethod.POST, "127.0.0.1:8081");

        channel.writeInbound(request);

        FullHttpRequest passed = channel.readInbound();
        assertThat(passed).isSameAs(request);
        assertThat(passed.refCnt()).isOne();
        passed.release();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void rebindingHost_is421_releasedAndClosed() {
        channel.pipeline().addLast(check);
        FullHttpRequest request = request(HttpVersion.HTTP_1_1, HttpMethod.GET, "evil.example:8081");

        channel.writeInbound(request);

        assertThat(request.refCnt()).as("released").isZero();
        assertThat((Object) channel.readInbound()).isNull();
        FullHttpResponse response = channel.readOutbound();
        assertThat(response.status().code()).isEqualTo(421);
        assertThat(response.content().toString(StandardCharsets.UTF_8))
                .contains("evil.example:8081").contains("127.0.0.1").contains("admin.internal");
        assertThat(response.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        response.release();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void configuredName_isServed() {
        channel.pipeline().addLast(check);
        channel.writeInbound(request(HttpVersion.HTTP_1_1, HttpMethod.GET, "Admin.Internal"));

        FullHttpRequest passed = channel.readInbound();
        assertThat(passed).isNotNull();
        passed.release();
    }

    @Test
    void crossSitePost_is403() {
        channel.pipeline().addLast(check);
        FullHttpRequest request = request(HttpVersion.HTTP_1_1, HttpMethod.POST, "127.0.0.1:8081");
        request.headers().set(HttpHeaderNames.ORIGIN, "http://evil.example");

        channel.writeInbound(request);

        FullHttpResponse response = channel.readOutbound();
        assertThat(response.status().code()).isEqualTo(403);
        assertThat(response.content().toString(StandardCharsets.UTF_8)).contains("http://evil.example");
        response.release();
        assertThat(request.refCnt()).isZero();
    }

    @Test
    void http11WithoutHost_is400_http10WithoutHost_passes() {
        channel.pipeline().addLast(check);
        channel.writeInbound(request(HttpVersion.HTTP_1_0, HttpMethod.GET, null));
        FullHttpRequest passed = channel.readInbound();
        assertThat(passed).isNotNull();
        passed.release();

        channel.writeInbound(request(HttpVersion.HTTP_1_1, HttpMethod.GET, null));

        FullHttpResponse response = channel.readOutbound();
        assertThat(response.status().code()).isEqualTo(400);
        assertThat(response.content().toString(StandardCharsets.UTF_8)).contains("no Host field");
        response.release();
    }

    @Test
    void malformedHost_is400_namingItPrintably() {
        channel.pipeline().addLast(check);
        channel.writeInbound(request(HttpVersion.HTTP_1_1, HttpMethod.GET, "evil example\u00e9"));

        FullHttpResponse response = channel.readOutbound();
        assertThat(response.status().code()).isEqualTo(400);
        assertThat(response.content().toString(StandardCharsets.UTF_8)).contains("invalid Host 'evil?example?'");
        response.release();
    }

    private static FullHttpRequest request(HttpVersion version, HttpMethod method, String host) {
        FullHttpRequest request = new DefaultFullHttpRequest(version, method, "/switch?to=green",
                Unpooled.buffer(8).writeLong(42));
        if (host != null) {
            request.headers().set(HttpHeaderNames.HOST, host);
        }
        return request;
    }

    /** An embedded channel whose connection arrived on 127.0.0.1:8081, as a real admin connection would. */
    private static final class LoopbackChannel extends EmbeddedChannel {
        @Override
        protected SocketAddress localAddress0() {
            return new InetSocketAddress("127.0.0.1", 8081);
        }
    }
}
