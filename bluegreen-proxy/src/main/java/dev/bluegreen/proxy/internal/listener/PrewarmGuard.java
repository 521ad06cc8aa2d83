package dev.bluegreen.proxy.internal.listener;

import dev.bluegreen.proxy.internal.exchange.LoopContext;
import dev.bluegreen.proxy.internal.upstream.AcquireCallback;
import dev.bluegreen.proxy.internal.upstream.Upstream;
import dev.bluegreen.proxy.internal.upstream.LoopUpstreams;
import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.GuardContext;
import dev.bluegreen.core.GuardVerdict;
import dev.bluegreen.core.SwitchGuard;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The switch guard {@value #NAME}: before traffic moves to a pool, each event loop opens connections to each backend
 * of that pool (HTTP/1.1 or HTTP/2, as the pool speaks) and parks them in its upstream pools, so the first requests
 * after the switch don't pay for connection set-up. It never refuses: a backend that can't be reached is the
 * healthy-target guard's business. It answers once every connect has ended, or after the connect timeout plus a second,
 * whichever comes first.
 */
public final class PrewarmGuard implements SwitchGuard {

    /** The guard's name, as the history gives it. */
    public static final String NAME = "pre-warm";

    private final DataPlane plane;
    private final int connectionsPerBackend;

    /**
     * @param connectionsPerBackend connections each event loop opens to each backend of the target pool
     */
    public PrewarmGuard(DataPlane plane, int connectionsPerBackend) {
        this.plane = plane;
        this.connectionsPerBackend = connectionsPerBackend;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletionStage<GuardVerdict> check(GuardContext context) {
        List<Backend> backends = context.targetEnvironment().backends();
        List<CompletableFuture<Integer>> opened = new ArrayList<>();
        for (LoopContext loop : plane.loops().all()) {
            CompletableFuture<Integer> done = new CompletableFuture<>();
            opened.add(done);
            loop.eventLoop().execute(() -> warm(loop, context.target(), backends, done));
        }
        long bound = plane.config().timeouts().connect().toMillis() + 1_000;
        int wanted = opened.size() * backends.size() * connectionsPerBackend;
        return CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new))
                .thenApply(all -> GuardVerdict.pass("opened " + opened.stream().mapToInt(CompletableFuture::join)
                        .sum() + " of " + wanted + " connection(s) to " + context.target().label()))
                .completeOnTimeout(GuardVerdict.pass("pre-warm of " + context.target().label()
                        + " still connecting after " + bound + " ms; going ahead"), bound, TimeUnit.MILLISECONDS);
    }

    /**
     * On {@code loop}: opens connections to each of {@code backends} of {@code colour} up to the number wanted
     * (counting those idle in the pool already) and parks them in the loop's pools; completes {@code done} with how
     * many opened.
     */
    private void warm(LoopContext loop, Colour colour, List<Backend> backends, CompletableFuture<Integer> done) {
        LoopUpstreams pools = loop.pools();
        pools.startWarmWindow(colour);
        int[] pending = {0};
        int[] opened = {0};
        for (Backend backend : backends) {
            InetSocketAddress address = plane.addresses().cached(backend);
            if (address == null) {
                // Not resolved yet (resolution happens at deploy, off the loops): nothing to warm.
                continue;
            }
            for (int i = pools.readyCount(colour, backend); i < connectionsPerBackend; i++) {
                pending[0]++;
                pools.connectNew(colour, backend, address, new AcquireCallback() {
                    @Override
                    public void acquired(Upstream connection) {
                        opened[0]++;
                        // Kept while the warm window is open: the pool now keeps connections of its colour.
                        connection.release(true);
                        settle();
                    }

                    @Override
                    public void failed(Throwable cause) {
                        settle();
                    }

                    private void settle() {
                        if (--pending[0] == 0) {
                            done.complete(opened[0]);
                        }
                    }
                });
            }
        }
        if (pending[0] == 0) {
            done.complete(0);
        }
    }

    @Override
    public String toString() {
        return NAME;
    }
}
