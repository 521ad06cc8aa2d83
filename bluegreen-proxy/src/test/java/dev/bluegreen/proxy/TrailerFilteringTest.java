package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Trailer fields through the proxy, both ways, for HTTP/1.1 and HTTP/2 clients and backends: a field that may not be
 * a trailer (RFC 9110 §6.5.1: framing, connection, routing and forwarding fields, request controls) is dropped, every
 * other field passes, and the message goes on. The backend echoes the request's trailers back as trailers of its own
 * ({@code x-request-<name>}), and adds some of its own that must not reach the client; to a request for
 * {@value #NAMED_PATH}, its response head's {@code Connection} names a field that it then sends as a trailer.
 */
class TrailerFilteringTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** The path whose response head names {@code x-hop-head} in {@code Connection}, and whose trailers have one. */
    private static final String NAMED_PATH = "/named";

    /** The trailers the backend adds to every response: two that pass, four that don't. */
    private static HttpHeaders backendTrailers() {
        return new DefaultHttpHeaders(false)
                .add("grpc-status", "0")
                .add("x-checksum", "abc")
                .add("content-length", "99")
                .add("x-forwarded-for", "6.6.6.6")
                .add("host", "evil.example")
                .add("expect", "100-continue");
    }

    /** The handler of both backends: the request's body and trailers back, with {@link #backendTrailers()}. */
    private static final class Echo extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            HttpHeaders trailers = backendTrailers();
            request.trailingHeaders().forEach(trailer ->
                    trailers.add("x-request-" + trailer.getKey().toLowerCase(), trailer.getValue()));
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    request.content().retain(), new DefaultHttpHeaders(), trailers);
            response.headers().set("content-type", "text/plain").set("transfer-encoding", "chunked");
            if (request.uri().equals(NAMED_PATH)) {
                response.headers().set("connection", "keep-alive, x-hop-head");
                trailers.add("x-hop-head", "1");
            }
            ctx.writeAndFlush(response);
        }
    }

    enum BackendKind { HTTP_1, H2C }

    /** An echo backend of {@code kind} on 127.0.0.1, port 0. */
    private static final class EchoBackend implements AutoCloseable {
        private final H2cTestServer h2c;
        private final EventLoopGroup group;
        private final Channel server;

        EchoBackend(BackendKind kind) {
            if (kind == BackendKind.H2C) {
                h2c = new H2cTestServer(stream -> stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                        new HttpObjectAggregator(1 << 20), new Echo()));
                group = null;
                server = null;
                return;
            }
            h2c = null;
            group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Echo());
                        }
                    })
                    .bind("127.0.0.1", 0).syncUninterruptibly().channel();
        }

        int port() {
            return h2c != null ? h2c.port() : ((InetSocketAddress) server.localAddress()).getPort();
        }

        @Override
        public void close() {
            if (h2c != null) {
                h2c.close();
                return;
            }
            server.close().awaitUninterruptibly(5_000);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
        }
    }

    /** Runs {@code test} against a proxy in front of an echo backend of {@code kind}. */
    private static void withProxy(BackendKind kind, ProxyTest test) throws Exception {
        try (EchoBackend backend = new EchoBackend(kind);
             BlueGreen admin = BlueGreen.builder().blue("v1", List.of(Backend.of("127.0.0.1", backend.port())))
                     .build()) {
            BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(1)
                    .backendProtocol(kind == BackendKind.H2C ? BackendProtocol.H2C : BackendProtocol.HTTP1)
                    .build();
            proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
            try {
                test.run(proxy.port());
            } finally {
                proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
            }
        }
    }

    @FunctionalInterface
    private interface ProxyTest {
        void run(int port) throws Exception;
    }

    /** What the client got back as trailers: the backend's that pass, and the echo of the request's that passed. */
    private static void assertFiltered(Map<String, String> trailers) {
        assertThat(trailers).containsEntry("grpc-status", "0").containsEntry("x-checksum", "abc")
                .containsEntry("x-request-x-digest", "sha-256=x");
        assertThat(trailers.keySet()).as("response trailers that may not pass")
                .doesNotContain("content-length", "x-forwarded-for", "host", "expect");
        assertThat(trailers.keySet()).as("request trailers that may not pass, as the backend saw them")
                .noneMatch(name -> name.startsWith("x-request-") && !name.equals("x-request-x-digest"));
    }

    @ParameterizedTest
    @EnumSource(BackendKind.class)
    void http1ChunkedTrailers_dropTheFieldsThatMayNotPass_bothWays(BackendKind backend) throws Exception {
        withProxy(backend, port -> {
            try (RawHttpClient client = RawHttpClient.connect(port)) {
                client.request("POST", "/echo", Map.of("Transfer-Encoding", "chunked", "TE", "trailers"))
                        .send("3\r\nabc\r\n0\r\nX-Digest: sha-256=x\r\nX-Forwarded-For: 6.6.6.6\r\n"
                                + "Forwarded: for=6.6.6.6\r\nHost: evil.example\r\nConnection: x-hop\r\nx-hop: 1\r\n"
                                + "Via: 1.1 evil\r\nAuthorization: Basic eA==\r\n\r\n");
                RawResponse response = client.readResponse();

                assertThat(response.status()).isEqualTo(200);
                assertThat(response.bodyText()).isEqualTo("abc");
                Map<String, String> trailers = new HashMap<>();
                response.trailers().forEach((name, values) -> trailers.put(name.toLowerCase(), values.get(0)));
                assertFiltered(trailers);
                assertThat(client.get("/next").status()).as("the connection goes on").isEqualTo(200);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(BackendKind.class)
    void http2Trailers_dropTheFieldsThatMayNotPass_bothWays(BackendKind backend) throws Exception {
        withProxy(backend, port -> {
            try (RawH2Connection client = RawH2Connection.open(port)) {
                client.headers(1, post(port), false);
                client.frame(RawH2Connection.DATA, 0, 1, "abc".getBytes(StandardCharsets.US_ASCII));
                client.headers(1, new DefaultHttp2Headers(false).add("x-digest", "sha-256=x")
                        .add("x-forwarded-for", "6.6.6.6").add("forwarded", "for=6.6.6.6").add("host", "evil.example")
                        .add("via", "1.1 evil").add("authorization", "Basic eA=="), true);

                assertThat(client.awaitStatus(1, TIMEOUT)).isEqualTo(200);
                Map<String, String> trailers = new HashMap<>();
                client.awaitTrailers(1, TIMEOUT).forEach(field -> trailers.put(field.getKey().toString(),
                        field.getValue().toString()));
                assertFiltered(trailers);
                assertThat(client.received(RawH2Connection.RST_STREAM)).as("no stream reset").isEmpty();
            }
        });
    }

    /**
     * RFC 9110 §7.6.1: a field that a request head's {@code Connection} names is hop-by-hop in the whole message, its
     * trailer section too; the head loses it already, and so must the trailers, whatever the backend's protocol.
     */
    @ParameterizedTest
    @EnumSource(BackendKind.class)
    void http1RequestTrailer_namedByTheHeadsConnection_doesNotReachTheBackend(BackendKind backend) throws Exception {
        withProxy(backend, port -> {
            try (RawHttpClient client = RawHttpClient.connect(port)) {
                client.request("POST", "/echo", Map.of("Transfer-Encoding", "chunked", "TE", "trailers",
                                "Connection", "keep-alive, X-Hop-Req"))
                        .send("3\r\nabc\r\n0\r\nX-Digest: sha-256=x\r\nx-hop-req: 1\r\nX-Other: 2\r\n\r\n");
                RawResponse response = client.readResponse();

                assertThat(response.status()).isEqualTo(200);
                Map<String, String> trailers = new HashMap<>();
                response.trailers().forEach((name, values) -> trailers.put(name.toLowerCase(), values.get(0)));
                assertThat(trailers).as("the request's trailers, as the backend saw them")
                        .containsEntry("x-request-x-digest", "sha-256=x").containsEntry("x-request-x-other", "2")
                        .doesNotContainKey("x-request-x-hop-req");
                assertThat(client.get("/next").status()).as("the connection goes on").isEqualTo(200);
            }
        });
    }

    /**
     * RFC 9110 §7.6.1: a field that a response head's {@code Connection} names is hop-by-hop in the trailers too, to
     * an HTTP/1.1 client as to an HTTP/2 one (an HTTP/2 backend can't send {@code Connection}: RFC 9113 §8.2.2).
     */
    @Test
    void responseTrailer_namedByTheHeadsConnection_doesNotReachAnHttp1Client() throws Exception {
        withProxy(BackendKind.HTTP_1, port -> {
            try (RawHttpClient client = RawHttpClient.connect(port)) {
                client.request("GET", NAMED_PATH, Map.of("TE", "trailers"));
                RawResponse response = client.readResponse();

                assertThat(response.status()).isEqualTo(200);
                assertThat(response.trailers().keySet()).as("trailers").map(String::toLowerCase)
                        .contains("grpc-status", "x-checksum").doesNotContain("x-hop-head");
                assertThat(client.get("/next").status()).as("the connection goes on").isEqualTo(200);
            }
        });
    }

    /** As {@link #responseTrailer_namedByTheHeadsConnection_doesNotReachAnHttp1Client}, to an HTTP/2 client. */
    @Test
    void responseTrailer_namedByTheHeadsConnection_doesNotReachAnHttp2Client() throws Exception {
        withProxy(BackendKind.HTTP_1, port -> {
            try (RawH2Connection client = RawH2Connection.open(port)) {
                client.headers(1, new DefaultHttp2Headers(false).method("GET").scheme("http").path(NAMED_PATH)
                        .authority("127.0.0.1:" + port).add("te", "trailers"), true);

                assertThat(client.awaitStatus(1, TIMEOUT)).isEqualTo(200);
                Map<String, String> trailers = new HashMap<>();
                client.awaitTrailers(1, TIMEOUT).forEach(field -> trailers.put(field.getKey().toString(),
                        field.getValue().toString()));
                assertThat(trailers).containsEntry("grpc-status", "0").containsEntry("x-checksum", "abc")
                        .doesNotContainKey("x-hop-head");
            }
        });
    }

    /**
     * A request trailer named {@code content-length} or {@code trailer} (which Netty's trailers map refuses by
     * throwing) used to close the client's whole HTTP/2 connection, with no GOAWAY, and every other stream on it.
     */
    @Test
    void http2TrailerNamedContentLengthOrTrailer_isDropped_andTheConnectionGoesOn() throws Exception {
        withProxy(BackendKind.HTTP_1, port -> {
            try (RawH2Connection client = RawH2Connection.open(port)) {
                for (int stream = 1; stream <= 3; stream += 2) {
                    String name = stream == 1 ? "content-length" : "trailer";
                    client.headers(stream, post(port), false);
                    client.frame(RawH2Connection.DATA, 0, stream, "abc".getBytes(StandardCharsets.US_ASCII));
                    client.headers(stream, new DefaultHttp2Headers(false).add(name, "3").add("x-digest", "sha-256=x"),
                            true);

                    assertThat(client.awaitStatus(stream, TIMEOUT)).as(name).isEqualTo(200);
                    Map<String, String> trailers = new HashMap<>();
                    client.awaitTrailers(stream, TIMEOUT).forEach(field -> trailers.put(field.getKey().toString(),
                            field.getValue().toString()));
                    assertThat(trailers).as(name).containsEntry("x-request-x-digest", "sha-256=x")
                            .doesNotContainKey("x-request-" + name);
                }
                client.get(5);
                assertThat(client.awaitStatus(5, TIMEOUT)).as("a stream after them").isEqualTo(200);
                assertThat(client.received(RawH2Connection.GOAWAY)).isEmpty();
            }
        });
    }

    private static Http2Headers post(int port) {
        return new DefaultHttp2Headers(false).method("POST").scheme("http").path("/echo")
                .authority("127.0.0.1:" + port).add("te", "trailers");
    }
}
