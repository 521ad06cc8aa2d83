package dev.bluegreen.proxy.internal.routing;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock for tests: stands still until advanced. */
public final class FakeTicker implements Ticker {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long read() {
        return nanos.get();
    }

    /** Moves the clock on by {@code duration}. */
    public void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
