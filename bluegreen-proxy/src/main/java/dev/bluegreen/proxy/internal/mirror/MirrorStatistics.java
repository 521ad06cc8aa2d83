package dev.bluegreen.proxy.internal.mirror;

import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.MirrorReport;
import dev.bluegreen.proxy.MirrorSettings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * What mirroring has counted, shared by every event loop: the totals, the drops by reason, the counts by route (at
 * most {@code maxRoutes} routes apart, the rest together per method as {@code (other)}), the latest mismatch samples
 * (a ring) and each colour's {@link AgreementWindow}. Lock-free on the request path: adders, a concurrent map whose
 * entries are made once per route, atomic rings.
 */
final class MirrorStatistics {

    /** The route further routes are counted under once {@code maxRoutes} are counted apart. */
    static final String OTHER_ROUTE = "(other)";

    private final MirrorSettings settings;
    private final RouteTemplates templates;
    private final LongAdder mirrored = new LongAdder();
    private final LongAdder matched = new LongAdder();
    private final LongAdder mismatched = new LongAdder();
    private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);
    private final ConcurrentHashMap<String, RouteCounts> routes = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<MirrorReport.Sample> samples;
    private final AtomicLong nextSample = new AtomicLong();
    private final AtomicReferenceArray<AgreementWindow> windows =
            new AtomicReferenceArray<>(Colour.values().length);

    MirrorStatistics(MirrorSettings settings) {
        this.settings = settings;
        this.templates = new RouteTemplates(settings.routeTemplates());
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason, new LongAdder());
        }
        this.samples = new AtomicReferenceArray<>(settings.maxSamples());
    }

    /** The counts of the route of {@code method} and {@code target}, made on first use. */
    RouteCounts route(String method, String target) {
        String route = templates.routeOf(target);
        String key = method + ' ' + route;
        RouteCounts counts = routes.get(key);
        if (counts != null) {
            return counts;
        }
        if (routes.size() >= settings.maxRoutes()) {
            return routes.computeIfAbsent(method + ' ' + OTHER_ROUTE, k -> new RouteCounts(method, OTHER_ROUTE));
        }
        return routes.computeIfAbsent(key, k -> new RouteCounts(method, route));
    }

    /** A copy of a request of {@code route} was sent to the idle colour. */
    void mirrored(RouteCounts route) {
        mirrored.increment();
        route.mirrored.increment();
    }

    /** A request of {@code route} picked for mirroring gave no compared pair. */
    void dropped(RouteCounts route, DropReason reason) {
        dropped.get(reason).increment();
        route.dropped.increment();
    }

    /**
     * A pair was compared: {@code colour} (pool {@code target}) answered like the live pool {@code baseline} did,
     * or, with {@code sample} given, did not.
     *
     * @param now    the routing snapshot now: the pair counts towards {@code colour}'s agreement only if its pools are
     *               still those of {@code now}
     * @param sample the mismatch, made only when samples are kept; {@code null} for a match
     */
    void compared(RouteCounts route, Colour colour, Environment baseline, Environment target, RoutingSnapshot now,
                  Supplier<MirrorReport.Sample> sample) {
        boolean pairMatched = sample == null;
        (pairMatched ? matched : mismatched).increment();
        (pairMatched ? route.matched : route.mismatched).increment();
        agreed(colour, baseline, target, now, pairMatched);
        if (!pairMatched && samples.length() > 0) {
            samples.set((int) Math.floorMod(nextSample.getAndIncrement(), (long) samples.length()), sample.get());
        }
    }

    /**
     * The idle colour failed a mirror it took ({@code reason}) while the live colour answered the request whole:
     * dropped, and in {@code colour}'s agreement a pair that did not match (same parameters as {@link #compared}).
     */
    void idleFailed(RouteCounts route, DropReason reason, Colour colour, Environment baseline, Environment target,
                    RoutingSnapshot now) {
        dropped(route, reason);
        agreed(colour, baseline, target, now, false);
    }

    private void agreed(Colour colour, Environment baseline, Environment target, RoutingSnapshot now, boolean agreed) {
        if (now.environment(colour.other()).equals(baseline) && now.environment(colour).equals(target)) {
            // A pair of a pool deployed away since its mirror went out (a late answer) says nothing about the new
            // one, and would replace the new pool's window with a fresh one of its own.
            window(colour, baseline, target).record(agreed);
        }
    }

    /**
     * The window of {@code colour} measuring {@code target} against {@code baseline}; a new one if it measured
     * others.
     */
    private AgreementWindow window(Colour colour, Environment baseline, Environment target) {
        int index = colour.ordinal();
        AgreementWindow window = windows.get(index);
        while (window == null || !window.measures(baseline, target)) {
            AgreementWindow fresh = new AgreementWindow(baseline, target, settings.agreementWindow());
            if (windows.compareAndSet(index, window, fresh)) {
                return fresh;
            }
            window = windows.get(index);
        }
        return window;
    }

    /**
     * {@code colour}'s agreement as a switch to it would be judged on {@code snapshot}: its pairs against the pool
     * that is live while it is idle, if its window measures the pools {@code snapshot} has.
     */
    MirrorReport.Agreement agreement(Colour colour, RoutingSnapshot snapshot) {
        AgreementWindow window = windows.get(colour.ordinal());
        if (window == null || !window.measures(snapshot.environment(colour.other()), snapshot.environment(colour))) {
            return new MirrorReport.Agreement(0, 0);
        }
        return window.figures();
    }

    /** The figures now, for {@code snapshot}'s pools, with what the loops and the target say. */
    MirrorReport report(RoutingSnapshot snapshot, long inFlight, long bufferedBytes, Colour target, String paused) {
        Map<String, Long> droppedBy = new LinkedHashMap<>();
        long droppedTotal = 0;
        for (Map.Entry<DropReason, LongAdder> entry : dropped.entrySet()) {
            long count = entry.getValue().sum();
            droppedBy.put(entry.getKey().label(), count);
            droppedTotal += count;
        }
        Map<Colour, MirrorReport.Agreement> agreement = new EnumMap<>(Colour.class);
        for (Colour colour : Colour.values()) {
            agreement.put(colour, agreement(colour, snapshot));
        }
        List<MirrorReport.Route> byRoute = new ArrayList<>();
        for (RouteCounts counts : routes.values()) {
            byRoute.add(counts.figures());
        }
        byRoute.sort(Comparator.comparingLong(MirrorReport.Route::mirrored).reversed()
                .thenComparing(MirrorReport.Route::route).thenComparing(MirrorReport.Route::method));
        return new MirrorReport(settings, mirrored.sum(), matched.sum(), mismatched.sum(), droppedTotal, droppedBy,
                inFlight, bufferedBytes, target, paused, agreement, byRoute, latestSamples());
    }

    /** The samples kept, newest first. */
    private List<MirrorReport.Sample> latestSamples() {
        List<MirrorReport.Sample> latest = new ArrayList<>();
        long newest = nextSample.get() - 1;
        for (long i = newest; i >= 0 && i > newest - samples.length(); i--) {
            MirrorReport.Sample sample = samples.get((int) Math.floorMod(i, (long) samples.length()));
            if (sample != null) {
                latest.add(sample);
            }
        }
        return latest;
    }

    /** The counts of one route. */
    static final class RouteCounts {

        private final String method;
        private final String route;
        private final LongAdder mirrored = new LongAdder();
        private final LongAdder matched = new LongAdder();
        private final LongAdder mismatched = new LongAdder();
        private final LongAdder dropped = new LongAdder();

        RouteCounts(String method, String route) {
            this.method = method;
            this.route = route;
        }

        /** The route, such as {@code /users/{id}}. */
        String route() {
            return route;
        }

        MirrorReport.Route figures() {
            return new MirrorReport.Route(method, route, mirrored.sum(), matched.sum(), mismatched.sum(),
                    dropped.sum());
        }
    }
}
