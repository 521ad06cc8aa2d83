package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.DrainReport;
import dev.bluegreen.proxy.IoTransport;
import dev.bluegreen.proxy.LoadBalancing;
import dev.bluegreen.proxy.Timeouts;
import dev.bluegreen.proxy.internal.ProtocolConfig;
import dev.bluegreen.proxy.internal.ProxyConfig;
import dev.bluegreen.proxy.internal.health.HealthRegistry;
import dev.bluegreen.proxy.internal.health.HealthSettings;
import dev.bluegreen.proxy.internal.metrics.FailureLog;
import dev.bluegreen.proxy.internal.metrics.ProxyCounters;
import dev.bluegreen.proxy.internal.metrics.ProxyRecorder;
import dev.bluegreen.proxy.internal.request.ClientAddress;
import dev.bluegreen.proxy.internal.request.ClientProtocol;
import dev.bluegreen.proxy.internal.request.ErrorResponses;
import dev.bluegreen.proxy.internal.request.RequestRules;
import dev.bluegreen.proxy.internal.routing.Route;
import dev.bluegreen.proxy.internal.routing.Router;
import dev.bluegreen.proxy.internal.routing.SteeringSettings;
import dev.bluegreen.proxy.internal.upstream.AcquireCallback;
import dev.bluegreen.proxy.internal.upstream.BackendAddresses;
import dev.bluegreen.proxy.internal.upstream.Upstream;
import dev.bluegreen.proxy.internal.upstream.UpstreamListener;
import dev.bluegreen.proxy.internal.upstream.UpstreamPools;
import dev.bluegreen.proxy.internal.upstream.Upstreams;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * One {@link Exchange} alone, on an {@link EmbeddedChannel}'s loop: the client side is the channel (what the exchange
 * writes to the client comes out as outbound messages), the upstream side is {@link FakeUpstream}s handed out by
 * {@link FakeUpstreams}, so a test decides what each connect does and what each backend sends.
 */
final class ExchangeHarness implements AutoCloseable {

    final BlueGreen admin;
    final EmbeddedChannel client = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    final FakeClientSide side = new FakeClientSide(client.pipeline().firstContext());
    final FakeUpstreams upstreams = new FakeUpstreams();
    final ProxyCounters counters = new ProxyCounters();
    final List<Integer> recordedStatuses = new ArrayList<>();
    /** The request and response body bytes recorded for each exchange, as {@code [request, response]}. */
    final List<List<Long>> recordedBodyBytes = new ArrayList<>();
    /** Each retry the exchanges asked for: whether the budget allowed it. */
    final List<Boolean> retries = new ArrayList<>();
    final LoopContext loop;

    ExchangeHarness(int backends, Duration responseTimeout) {
        List<Backend> blue = new ArrayList<>();
        for (int i = 1; i <= backends; i++) {
            blue.add(Backend.of("127.0.0.1", 10_000 + i));
        }
        admin = BlueGreen.builder().blue("v1", blue).green("v2", Backend.of("127.0.0.1", 20_001)).build();
        ProxyConfig config = new ProxyConfig(new InetSocketAddress("127.0.0.1", 0), 1, IoTransport.AUTO, false,
                Timeouts.defaults().withResponse(responseTimeout), 3, LoadBalancing.ROUND_ROBIN, 0, false, null,
                SteeringSettings.NONE, null,
                HealthSettings.OFF, ProtocolConfig.defaults(), RequestRules.defaults(), List.of(), null);
        // IP addresses only: nothing is ever resolved.
        BackendAddresses addresses = new BackendAddresses(client.eventLoop(), List.of());
        addresses.track(admin.snapshot());
        Router router = new Router(SteeringSettings.NONE, Duration.ofSeconds(30), admin.snapshot(), colour -> null);
        HealthRegistry health = new HealthRegistry(HealthSettings.OFF, System::nanoTime, Clock.systemUTC(),
                (task, delayNanos) -> client.eventLoop().execute(task));
        ProxyRecorder recorder = new ProxyRecorder() {
            @Override
            public void exchangeEnded(Colour colour, int status, boolean fromProxy, long durationNanos,
                                      long requestBytes, long responseBytes) {
                recordedStatuses.add(status);
                recordedBodyBytes.add(List.of(requestBytes, responseBytes));
            }

            @Override
            public void drainEnded(DrainReport report) {
            }

            @Override
            public void upstreamRetried(Colour colour, boolean withinBudget) {
                retries.add(withinBudget);
            }
        };
        ExchangeServices services = new ExchangeServices(config, admin::snapshot, router, health, addresses,
                counters, () -> recorder, new FailureLog(Duration.ofSeconds(10), System::nanoTime), () -> 0,
                new AccessLog(), new BackendLoads(false, 0));
        UpstreamPools pools = new UpstreamPools(client.eventLoop(), new Bootstrap(), null, counters,
                admin::snapshot, (snapshot, colour) -> false, Duration.ZERO);
        loop = new LoopContext(client.eventLoop(), services, pools, upstreams);
    }

    /** A GET of {@code /a}, as a client sends it. */
    static HttpRequest get() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/a");
        request.headers().set("host", "shop.example");
        return request;
    }

    /** A POST of {@code /up} announcing a body of {@code length} bytes. */
    static HttpRequest post(int length) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/up");
        request.headers().set("host", "shop.example").setInt("content-length", length);
        return request;
    }

    /** A backend's 200 head announcing a body of {@code length} bytes. */
    static HttpResponse ok(int length) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().setInt("content-length", length);
        return response;
    }

    /** A last body piece holding {@code text}. */
    static LastHttpContent body(String text) {
        return new DefaultLastHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    /** An exchange for {@code request}, routed to the live colour as the admin's snapshot has it now, started. */
    Exchange start(HttpRequest request) {
        return startAgain(new Exchange(side, loop), request);
    }

    /** Starts {@code exchange} (new, or one that ended clean) for {@code request}, as {@link #start} does. */
    Exchange startAgain(Exchange exchange, HttpRequest request) {
        RoutingSnapshot snapshot = admin.snapshot();
        side.exchange = exchange;
        side.ended = false;
        exchange.start(request, ClientProtocol.HTTP_1, Route.live(snapshot.live()),
                snapshot.environment(snapshot.live()), snapshot.generation());
        return exchange;
    }

    /** What the exchange wrote to the client so far (flushed or not), in order; the caller releases it. */
    List<Object> clientReceived() {
        client.flushOutbound();
        List<Object> received = new ArrayList<>();
        Object message;
        while ((message = client.readOutbound()) != null) {
            received.add(message);
        }
        return received;
    }

    @Override
    public void close() {
        client.finishAndReleaseAll();
        admin.close();
    }

    /** The client side as the exchange sees it; records how the exchange ended. */
    static final class FakeClientSide implements ClientSide {
        private final ChannelHandlerContext ctx;
        private final ClientAddress address = new ClientAddress("192.0.2.7", false);
        Exchange exchange;
        boolean ended;
        boolean closeAfter;
        boolean abandoned;
        ChannelFuture lastWrite;
        final List<HttpResponse> interims = new ArrayList<>();

        FakeClientSide(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void read() {
            ctx.read();
        }

        @Override
        public void write(HttpObject part) {
            ctx.write(part, ctx.voidPromise());
        }

        @Override
        public ChannelFuture writeLast(HttpObject last, boolean awaited) {
            return awaited ? ctx.writeAndFlush(last) : ctx.writeAndFlush(last, ctx.voidPromise());
        }

        @Override
        public void flush() {
            ctx.flush();
        }

        @Override
        public boolean isWritable() {
            return ctx.channel().isWritable();
        }

        @Override
        public ChannelFuture answer(HttpResponseStatus status, String message, boolean close,
                                    Consumer<HttpHeaders> fields) {
            FullHttpResponse answer = ErrorResponses.of(ctx.alloc(), status, message, close);
            fields.accept(answer.headers());
            return ctx.writeAndFlush(answer);
        }

        @Override
        public ClientAddress address() {
            return address;
        }

        @Override
        public boolean isDraining() {
            return false;
        }

        @Override
        public long epoch() {
            return 0;
        }

        @Override
        public void writeInterim(HttpResponse interim) {
            interims.add(interim);
        }

        @Override
        public ChannelHandlerContext startTunnel(HttpResponse switching) {
            throw new UnsupportedOperationException("not in these tests");
        }

        @Override
        public void exchangeEnded(ChannelFuture lastWrite, boolean close) {
            this.ended = true;
            this.lastWrite = lastWrite;
            this.closeAfter = close;
        }

        @Override
        public void abandon() {
            abandoned = true;
        }
    }

    /** Hands out connects one at a time: each waits in {@link #pending} for the test to answer it. */
    static final class FakeUpstreams implements Upstreams {
        record Connect(Backend backend, boolean fresh, AcquireCallback callback) {
        }

        final Deque<Connect> pending = new ArrayDeque<>();

        @Override
        public void acquire(Colour colour, Backend backend, InetSocketAddress address, AcquireCallback callback) {
            pending.add(new Connect(backend, false, callback));
        }

        @Override
        public void connectNew(Colour colour, Backend backend, InetSocketAddress address, AcquireCallback callback) {
            pending.add(new Connect(backend, true, callback));
        }

        /** Answers the oldest connect with a connection. */
        FakeUpstream connect(boolean reused) {
            Connect connect = pending.remove();
            FakeUpstream upstream = new FakeUpstream(connect.backend(), reused);
            connect.callback().acquired(upstream);
            return upstream;
        }

        /** Fails the oldest connect. */
        Backend refuse() {
            Connect connect = pending.remove();
            connect.callback().failed(new java.net.ConnectException("refused"));
            return connect.backend();
        }
    }

    /** A connection to a backend that records what the exchange sends and lets the test answer. */
    static final class FakeUpstream implements Upstream {
        private final Backend backend;
        private final boolean reused;
        UpstreamListener listener;
        final List<HttpObject> sent = new ArrayList<>();
        Boolean releasedReusable;
        int reads;

        FakeUpstream(Backend backend, boolean reused) {
            this.backend = backend;
            this.reused = reused;
        }

        @Override
        public Colour colour() {
            return Colour.BLUE;
        }

        @Override
        public Backend backend() {
            return backend;
        }

        @Override
        public boolean reused() {
            return reused;
        }

        @Override
        public void attach(UpstreamListener listener) {
            this.listener = listener;
        }

        @Override
        public void write(HttpObject message) {
            sent.add(message);
        }

        @Override
        public void writeAndFlush(HttpObject message) {
            sent.add(message);
        }

        @Override
        public void read() {
            reads++;
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public void release(boolean reusable) {
            releasedReusable = reusable;
        }

        @Override
        public Channel startTunnel() {
            throw new UnsupportedOperationException("not in these tests");
        }

        @Override
        public void detach() {
            listener = null;
        }

        /** The backend sends {@code message}, as the upstream codec would hand it on. */
        void answer(HttpObject message) {
            listener.onUpstreamMessage(message);
        }

        /** Releases what the exchange sent (body pieces are reference counted). */
        void releaseSent() {
            sent.forEach(ReferenceCountUtil::release);
        }
    }
}
