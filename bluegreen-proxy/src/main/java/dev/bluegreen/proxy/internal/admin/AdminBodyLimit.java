package dev.bluegreen.proxy.internal.admin;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Collects an admin request's body up to a limit, and answers a larger one with {@code 413} and a JSON error that
 * names the limit, as every other admin error does (Netty's aggregator answers an empty {@code 413}).
 *
 * <p>It reads the rest of the refused body and drops it, and only then closes the connection if the client asked for
 * that (a keep-alive connection goes on): closing while the client still sends would reset the connection, and a
 * reset can destroy the {@code 413} before the client reads it. Since the endpoint reads only when asked
 * ({@code AUTO_READ} off) and no message comes out of a discarded body, this handler asks for the reads itself until
 * the body has ended, and once more for the request after it. A client that announced the body with
 * {@code Expect: 100-continue} has not sent it: its connection is closed after the refusal.
 */
public final class AdminBodyLimit extends HttpObjectAggregator {

    /** The largest body an admin request may carry: a deployment of many backends fits many times over. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    /** The rest of a refused body is being read and dropped. */
    private boolean discarding;
    /** The client asked for the connection to end: it does once the refused body has. */
    private boolean closeWhenDiscarded;
    /** The refused body has ended: read once more, for the request the admin handler is still waiting for. */
    private boolean readForNextRequest;

    /** An aggregator with the limit of {@link #MAX_BODY_BYTES}. */
    public AdminBodyLimit() {
        super(MAX_BODY_BYTES);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        // The aggregator releases the oversized message itself.
        FullHttpResponse refusal = RefusalResponses.refusal(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                tooLarge());
        closeWhenDiscarded = !HttpUtil.isKeepAlive(oversized);
        if (!closeWhenDiscarded) {
            refusal.headers().remove(HttpHeaderNames.CONNECTION);
        }
        ctx.writeAndFlush(refusal);
        discarding = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        boolean bodyEnds = discarding && msg instanceof LastHttpContent;
        super.channelRead(ctx, msg);
        if (bodyEnds) {
            discarding = false;
            if (closeWhenDiscarded) {
                ctx.close();
            } else {
                readForNextRequest = true;
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (discarding || readForNextRequest) {
            readForNextRequest = false;
            ctx.read();
        }
        super.channelReadComplete(ctx);
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
        if (answer instanceof HttpResponse response
                && response.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()) {
            // The client asked before sending the body: the same refusal, before any byte of it was sent.
            ReferenceCountUtil.release(answer);
            return RefusalResponses.refusal(pipeline.channel().alloc(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    tooLarge());
        }
        return answer;
    }

    @Override
    protected boolean closeAfterContinueResponse(Object msg) {
        // The refusal says "Connection: close": whether the client would send the body anyway is unknown.
        return msg instanceof HttpResponse response && response.status().code() >= 400;
    }

    private static String tooLarge() {
        return "request body larger than " + MAX_BODY_BYTES + " bytes (expected: at most 64 KiB)";
    }
}
