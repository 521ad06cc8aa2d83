package dev.bluegreen.proxy.internal.health;

import dev.bluegreen.core.Backend;
import dev.bluegreen.proxy.HealthCheckSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * One active check of one backend, on one event loop: a new connection, {@code GET <path>} with
 * {@code Connection: close}, and the verdict as soon as the response head arrives (the body is not read); then the
 * connection is reset (the bootstrap's {@code SO_LINGER} is 0), so that no check leaves a socket in TIME_WAIT on
 * either side. Everything runs on the loop and nothing blocks; the whole check, connect included, is bounded by the
 * settings' timeout.
 *
 * <pre>
 * check channel:  [SslHandler →] HttpClientCodec → HealthProbe
 * </pre>
 */
final class HealthProbe extends SimpleChannelInboundHandler<HttpObject> {

    /** The most characters of a failure's message a health reason quotes. */
    private static final int MAX_REASON = 160;

    /** A check's verdict: passed or not, and why in a few words ("status 200", "connection refused"). */
    record Result(boolean passed, String reason) {
    }

    private final Backend backend;
    private final HealthCheckSettings settings;
    private final SslContext tls;
    private final ProbeVerdict verdict = new ProbeVerdict();
    private Channel channel;

    private HealthProbe(Backend backend, HealthCheckSettings settings, SslContext tls) {
        this.backend = backend;
        this.settings = settings;
        this.tls = tls;
    }

    /**
     * Checks {@code backend} at {@code address} from {@code loop}.
     *
     * @param bootstrap a bootstrap with the channel type set; it is cloned onto {@code loop}
     * @param tls       TLS towards the backend (verified as requests verify it), or {@code null} for cleartext
     * @param open      where the check's connection is kept while open
     * @return the verdict; completes on {@code loop}, never exceptionally
     */
    static CompletableFuture<Result> run(Bootstrap bootstrap, EventLoop loop, Backend backend,
                                         InetSocketAddress address, HealthCheckSettings settings, SslContext tls,
                                         ChannelGroup open) {
        HealthProbe probe = new HealthProbe(backend, settings, tls);
        int timeoutMillis = (int) Math.max(1, settings.timeout().toMillis());
        loop.execute(() -> probe.start(loop, bootstrap.clone(loop), address, timeoutMillis, open));
        return probe.verdict.future();
    }

    private void start(EventLoop loop, Bootstrap bootstrap, InetSocketAddress address, int timeoutMillis,
                       ChannelGroup open) {
        ChannelFuture connect = verdict.connect(loop, bootstrap, address, timeoutMillis, open, ch -> {
            if (tls != null) {
                ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), backend.host(), backend.port()));
            }
            ch.pipeline().addLast("http", new HttpClientCodec()).addLast("probe", this);
        });
        channel = connect.channel();
        connect.addListener(future -> {
            if (!future.isSuccess()) {
                verdict.give(false, describe(future.cause()));
                return;
            }
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                    settings.path());
            request.headers()
                    .set(HttpHeaderNames.HOST, backend.authority())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(HttpHeaderNames.USER_AGENT, "bluegreen-health-check")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            channel.writeAndFlush(request).addListener(written -> {
                if (!written.isSuccess()) {
                    verdict.give(false, "could not send the check: " + written.cause().getMessage());
                }
            });
        });
    }

    static String describe(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return "connect timed out";
        }
        if (cause instanceof ConnectException) {
            return "connection refused";
        }
        return "connect failed: " + (cause.getMessage() != null ? cause.getMessage() : cause.toString());
    }

    /**
     * Why the handshake failed, by its innermost cause: the engines wrap the reason ({@code unable to find valid
     * certification path}, {@code not an SSL/TLS record}) in a generic one ({@code General OpenSslEngine problem}).
     */
    static String handshakeFailed(Throwable cause) {
        Throwable root = rootCause(cause);
        String reason = root.getMessage() != null ? root.getMessage() : root.toString();
        // A cleartext backend's bytes come as a hex dump in the reason: the start of it says enough.
        return "TLS handshake failed: " + (reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..."
                : reason);
    }

    /**
     * The innermost cause of {@code failure}, itself if it has none: {@code Failures.rootCause}'s twin, since this
     * package may not depend on {@code internal}, which depends on it (a package cycle).
     */
    static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        // SimpleChannelInboundHandler releases every message; only the head matters.
        if (msg.decoderResult().isFailure()) {
            verdict.give(false, "malformed response");
        } else if (msg instanceof HttpResponse response) {
            int status = response.status().code();
            if (status >= 100 && status < 200) {
                return;
            }
            verdict.give(settings.passes(status), "status " + status);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        verdict.give(false, "closed before responding");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        SslHandler handshaking = ctx.pipeline().get(SslHandler.class);
        if (handshaking != null && !handshaking.handshakeFuture().isSuccess()) {
            // The reason, not the engine's wrapper of it ("General OpenSslEngine problem").
            verdict.give(false, handshakeFailed(cause));
            return;
        }
        verdict.give(false, "failed: " + cause.getMessage());
    }
}
