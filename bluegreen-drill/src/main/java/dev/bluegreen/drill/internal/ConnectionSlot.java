package dev.bluegreen.drill.internal;

import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.drill.DrillRequest;
import dev.bluegreen.drill.FailureGroup;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One keep-alive client connection of the drill: sends the drill's requests one after the other (the next when the
 * previous response has ended), records each outcome in its {@link DrillLog}, and reconnects when the proxy closes
 * the connection, until stopped.
 *
 * <pre>
 * HttpClientCodec → ConnectionSlot
 * </pre>
 *
 * <p>Confined to one event loop: every channel of the slot is registered on it, so its state needs no lock. Sharable
 * only in that the slot's successive channels use it one at a time.
 */
@Sharable
final class ConnectionSlot extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(ConnectionSlot.class);

    /** Bytes of a failed response's body kept for its example. */
    private static final int SNIPPET_BYTES = 120;
    /** Pause before reconnecting after a failed connect, so that a proxy that is gone is not hammered. */
    private static final Duration RECONNECT_DELAY = Duration.ofMillis(50);

    /** The request under way on the connection. */
    private static final class InFlight {
        final DrillRequest request;
        final long sentAt;
        final RoutingSnapshot routingWhenSent;
        int status;
        Colour servedBy;
        boolean keepAlive = true;
        final StringBuilder snippet = new StringBuilder();
        ScheduledFuture<?> timeout;

        InFlight(DrillRequest request, long sentAt, RoutingSnapshot routingWhenSent) {
            this.request = request;
            this.sentAt = sentAt;
            this.routingWhenSent = routingWhenSent;
        }
    }

    private final int number;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final DrillSettings settings;
    private final DrillLog outcomes = new DrillLog();
    private final CompletableFuture<DrillLog> stopped = new CompletableFuture<>();
    private int nextRequest;
    private boolean running = true;
    private Channel channel;
    private InFlight current;

    ConnectionSlot(int number, EventLoop loop, Bootstrap bootstrap, DrillSettings settings) {
        this.number = number;
        this.loop = loop;
        this.bootstrap = bootstrap.clone(loop).handler(new SlotInitializer(this));
        this.settings = settings;
        this.nextRequest = number % settings.requests().size();
    }

    /** Starts sending. */
    void start() {
        loop.execute(this::connect);
    }

    /**
     * Stops sending: the request under way completes (or times out), then the connection closes.
     *
     * @return a future completed with this slot's log once the connection is closed
     */
    CompletableFuture<DrillLog> stop() {
        loop.execute(() -> {
            running = false;
            if (current == null) {
                closeAndFinish();
            }
        });
        return stopped;
    }

    private void connect() {
        if (!running) {
            closeAndFinish();
            return;
        }
        bootstrap.connect(settings.proxy()).addListener((ChannelFuture connected) -> {
            if (connected.isSuccess()) {
                channel = connected.channel();
                sendNext();
            } else {
                Colour live = settings.routing().get().live();
                outcomes.failed(live, "(connect)", "cannot connect to the drill's proxy", example(System.nanoTime(),
                        String.valueOf(connected.cause())));
                loop.schedule(this::connect, RECONNECT_DELAY.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private void sendNext() {
        if (!running) {
            closeAndFinish();
            return;
        }
        List<DrillRequest> requests = settings.requests();
        DrillRequest request = requests.get(nextRequest);
        nextRequest = (nextRequest + 1) % requests.size();
        InFlight sending = new InFlight(request, System.nanoTime(), settings.routing().get());
        current = sending;
        Duration timeout = settings.responseDeadline();
        sending.timeout = loop.schedule(() -> timedOut(sending), timeout.toNanos(), TimeUnit.NANOSECONDS);
        channel.writeAndFlush(httpRequest(request));
    }

    private FullHttpRequest httpRequest(DrillRequest request) {
        byte[] body = request.body().getBytes(StandardCharsets.UTF_8);
        ByteBuf content = body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
        FullHttpRequest http = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method()),
                request.path(), content);
        request.headers().forEach(http.headers()::add);
        if (!http.headers().contains(HttpHeaderNames.HOST)) {
            // The user's own Host stays: an application that serves by name (virtual hosts) needs its name.
            http.headers().set(HttpHeaderNames.HOST, settings.hostHeader());
        }
        if (body.length > 0 || !request.method().equals("GET") && !request.method().equals("HEAD")) {
            HttpUtil.setContentLength(http, body.length);
        }
        return http;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            InFlight receiving = current;
            if (receiving == null || ctx.channel() != channel) {
                return;
            }
            if (msg instanceof HttpResponse response) {
                receiving.status = response.status().code();
                receiving.keepAlive = HttpUtil.isKeepAlive(response);
                String routed = response.headers().get(settings.routingHeader());
                receiving.servedBy = routed == null ? null : colourOf(routed);
            }
            if (msg instanceof HttpContent content && !settings.accepted().test(receiving.status)
                    && receiving.snippet.length() < SNIPPET_BYTES) {
                ByteBuf bytes = content.content();
                int length = Math.min(bytes.readableBytes(), SNIPPET_BYTES - receiving.snippet.length());
                receiving.snippet.append(bytes.toString(bytes.readerIndex(), length, StandardCharsets.UTF_8));
            }
            if (msg instanceof LastHttpContent && receiving.status >= 200) {
                completed(receiving);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void completed(InFlight done) {
        done.timeout.cancel(false);
        current = null;
        Colour colour = colourOf(done);
        if (settings.accepted().test(done.status)) {
            outcomes.succeeded(colour, System.nanoTime() - done.sentAt);
        } else {
            outcomes.failed(colour, done.request.toString(), reason(done, "status " + done.status), example(done.sentAt,
                    done.status + (done.snippet.length() == 0 ? "" : " " + quote(done.snippet))));
        }
        if (done.keepAlive && running) {
            sendNext();
        } else {
            reconnectOrFinish();
        }
    }

    private void timedOut(InFlight late) {
        if (current != late) {
            return;
        }
        current = null;
        outcomes.failed(colourOf(late), late.request.toString(), reason(late, "no response within "
                + settings.responseDeadline().toMillis() + " ms"), example(late.sentAt, "timed out"));
        reconnectOrFinish();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ctx.channel() != channel) {
            return;
        }
        channel = null;
        InFlight lost = current;
        if (lost != null) {
            current = null;
            lost.timeout.cancel(false);
            outcomes.failed(colourOf(lost), lost.request.toString(),
                    reason(lost, "connection closed before the response was complete"),
                    example(lost.sentAt, lost.status == 0 ? "no response head" : "status " + lost.status
                            + " then closed"));
        }
        if (running) {
            connect();
        } else {
            closeAndFinish();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // channelInactive records the request under way, if any.
        logger.debug("drill connection {}: {}", number, cause.toString());
        ctx.close();
    }

    /** Closes the current connection (if any) without counting it as a failure, then connects again if running. */
    private void reconnectOrFinish() {
        Channel old = channel;
        channel = null;
        if (old != null) {
            old.close();
        }
        if (running) {
            connect();
        } else {
            closeAndFinish();
        }
    }

    private void closeAndFinish() {
        Channel old = channel;
        channel = null;
        if (old != null) {
            old.close().addListener(closed -> stopped.complete(outcomes));
        } else {
            stopped.complete(outcomes);
        }
    }

    /**
     * The colour that served a request: the one the proxy's routing header names (its own 502, 503 and 504 carry it
     * too); without a response head to carry it, the colour live when the request was sent.
     */
    private static Colour colourOf(InFlight request) {
        return request.servedBy != null ? request.servedBy : request.routingWhenSent.live();
    }

    /**
     * The reason, marked uncertain when the colour is a guess that a switch may have made wrong: the request carries
     * no routing header and the routing state changed while it was under way.
     */
    private String reason(InFlight request, String reason) {
        boolean guessed = request.servedBy == null
                && settings.routing().get().generation() != request.routingWhenSent.generation();
        return guessed ? reason + FailureGroup.COLOUR_UNCERTAIN : reason;
    }

    private String example(long sentAt, String what) {
        return String.format(Locale.ROOT, "at %.3f s on connection %d: %s", (sentAt - settings.startNanos()) / 1e9,
                number, what);
    }

    /** The colour in a routing header value such as {@code green; generation=7}, or {@code null}. */
    private static Colour colourOf(String routed) {
        int semicolon = routed.indexOf(';');
        try {
            return Colour.parse(semicolon < 0 ? routed : routed.substring(0, semicolon));
        } catch (IllegalArgumentException e) {
            logger.debug("unexpected routing header value {}", routed);
            return null;
        }
    }

    private static String quote(CharSequence text) {
        StringBuilder quoted = new StringBuilder("\"");
        text.chars().forEach(c -> quoted.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\'
                ? String.valueOf((char) c) : String.format(Locale.ROOT, "\\u%04x", c)));
        return quoted.append('"').toString();
    }
}
