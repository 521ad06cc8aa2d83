package dev.bluegreen.proxy.internal.health;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The verdict of one active check, whatever its protocol: the first verdict given wins, and giving it cancels the
 * check's timeout and closes its connection. Used on the check's event loop only.
 */
final class ProbeVerdict {

    private final CompletableFuture<HealthProbe.Result> result = new CompletableFuture<>();
    private ScheduledFuture<?> timer;
    private Channel connection;

    /** The verdict to come; completes on the check's loop, never exceptionally. */
    CompletableFuture<HealthProbe.Result> future() {
        return result;
    }

    /** Bounds the whole check, connect included: without a verdict by then, it fails as timed out. */
    void startTimer(EventLoop loop, int timeoutMillis) {
        timer = loop.schedule(() -> give(false, "timed out after " + timeoutMillis + " ms"), timeoutMillis,
                TimeUnit.MILLISECONDS);
    }

    /** The check's connection, closed when the verdict is given. */
    void closes(Channel channel) {
        this.connection = channel;
    }

    /** Gives the verdict, unless one was given already. */
    void give(boolean passed, String reason) {
        if (result.isDone()) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        if (connection != null) {
            connection.close();
        }
        result.complete(new HealthProbe.Result(passed, reason));
    }
}
