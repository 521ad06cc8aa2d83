package dev.bluegreen.proxy.internal.exchange;

import io.netty.util.concurrent.EventExecutor;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** The {@link LoopContext} of each event loop of one proxy; immutable once built. */
public final class LoopContexts {

    private final Map<EventExecutor, LoopContext> byLoop = new IdentityHashMap<>();
    private final List<LoopContext> all;

    public LoopContexts(Collection<LoopContext> contexts) {
        for (LoopContext context : contexts) {
            byLoop.put(context.eventLoop(), context);
        }
        this.all = List.copyOf(contexts);
    }

    /**
     * The context of {@code executor}.
     *
     * @throws IllegalStateException if it is not one of this proxy's event loops
     */
    public LoopContext of(EventExecutor executor) {
        LoopContext context = byLoop.get(executor);
        if (context == null) {
            throw new IllegalStateException("event loop " + executor + " is not one of this proxy's workers");
        }
        return context;
    }

    /** Every loop's context. */
    public List<LoopContext> all() {
        return all;
    }
}
