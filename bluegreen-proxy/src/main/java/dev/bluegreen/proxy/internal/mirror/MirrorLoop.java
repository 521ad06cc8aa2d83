package dev.bluegreen.proxy.internal.mirror;

import dev.bluegreen.core.Backend;
import dev.bluegreen.proxy.internal.upstream.LoopUpstreams;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * What one event loop owns of mirroring: its mirrors in flight (at most the bound), the bytes of request bodies they
 * hold, its draws of the share to mirror, its round-robin position and its own pools of connections to the idle colour
 * (apart from the exchanges' pools, so a mirror never counts in a drain nor keeps a drained colour's connections). Only
 * its loop touches it, except the two figures other threads read for reports.
 */
final class MirrorLoop {

    /**
     * How long a backend of the idle colour that refused a mirror's connection gets no further attempt from this loop:
     * without health checks, a dead idle colour would otherwise cost a connect attempt per mirrored request.
     */
    static final long DOWN_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final EventLoop eventLoop;
    private final LoopUpstreams pools;
    private final int maxInFlight;
    private final List<MirrorCall> inFlight = new ArrayList<>();
    private final Map<Backend, Long> downUntilNanos = new HashMap<>();
    /** Uniform draws in [0, 1), one per eligible request. */
    private final DoubleSupplier draws;
    private int roundRobin;
    /** Read by reports on other threads; written here only. */
    private volatile int inFlightCount;
    private volatile long bufferedBytes;

    /** @param draws uniform draws in [0, 1), called on the loop only ({@code ThreadLocalRandom} in production) */
    MirrorLoop(EventLoop eventLoop, LoopUpstreams pools, int maxInFlight, DoubleSupplier draws) {
        this.eventLoop = eventLoop;
        this.pools = pools;
        this.maxInFlight = maxInFlight;
        this.draws = draws;
    }

    EventLoop eventLoop() {
        return eventLoop;
    }

    /** This loop's connections to the idle colour's backends (HTTP/1.1 or HTTP/2, as the colour speaks). */
    LoopUpstreams pools() {
        return pools;
    }

    /**
     * Whether the next eligible request is mirrored: each with the probability {@code percent}. At random rather than
     * every n-th: a counter is periodic, so a client whose page always loads the same five resources in order would,
     * at 20 %, have the same one of them mirrored every time and the other four never compared (as the router draws a
     * shift, for the same reason).
     */
    boolean draw(double percent) {
        return percent >= 100 || draws.getAsDouble() * 100 < percent;
    }

    /** Takes {@code call} in flight, unless the loop has as many as allowed. @return whether it was taken */
    boolean admit(MirrorCall call) {
        if (inFlight.size() >= maxInFlight) {
            return false;
        }
        inFlight.add(call);
        inFlightCount = inFlight.size();
        return true;
    }

    /** {@code call} ended. */
    void remove(MirrorCall call) {
        inFlight.remove(call);
        inFlightCount = inFlight.size();
    }

    int nextRoundRobin() {
        return roundRobin++;
    }

    /** {@code backend} refused a connection: no mirror from this loop tries it for a while. */
    void connectFailed(Backend backend, long nowNanos) {
        downUntilNanos.put(backend, nowNanos + DOWN_PAUSE_NANOS);
    }

    /**
     * Bit {@code i} set when backend {@code i} of {@code backends} (the first 64) refused a connection from this loop
     * too recently to be tried again.
     */
    long recentlyDown(List<Backend> backends, long nowNanos) {
        if (downUntilNanos.isEmpty()) {
            return 0;
        }
        downUntilNanos.values().removeIf(until -> nowNanos - until >= 0);
        long mask = 0;
        for (int i = 0; i < Math.min(backends.size(), Long.SIZE); i++) {
            if (downUntilNanos.containsKey(backends.get(i))) {
                mask |= 1L << i;
            }
        }
        return mask;
    }

    /** A mirror took ({@code delta > 0}) or let go of request body bytes. */
    void buffered(long delta) {
        bufferedBytes += delta;
    }

    int inFlight() {
        return inFlightCount;
    }

    long bufferedBytes() {
        return bufferedBytes;
    }

    /** Drops every mirror in flight (the live colour changed). */
    void dropAll(DropReason reason) {
        for (int i = inFlight.size() - 1; i >= 0; i--) {
            if (i < inFlight.size()) {
                inFlight.get(i).abort(reason);
            }
        }
    }

    /** Drops the mirrors in flight for longer than their timeout (a periodic sweep on this loop). */
    void sweep(long nowNanos) {
        // Backwards: a call that times out removes itself from the list.
        for (int i = inFlight.size() - 1; i >= 0; i--) {
            if (i < inFlight.size()) {
                inFlight.get(i).checkTimeout(nowNanos);
            }
        }
    }
}
