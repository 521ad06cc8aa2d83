package dev.bluegreen.proxy;

import static dev.bluegreen.proxy.MeterNames.COLOUR;
import static dev.bluegreen.proxy.MeterNames.KIND;
import static dev.bluegreen.proxy.MeterNames.OUTCOME;
import static dev.bluegreen.proxy.MeterNames.STATE;
import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.ChangeListener;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RefusedChange;
import dev.bluegreen.proxy.internal.metrics.BackendHealthGauges;
import dev.bluegreen.proxy.internal.metrics.MicrometerRecorder;
import dev.bluegreen.proxy.watch.AutoRollback;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Binds a proxy's meters to a registry the application owns (never Micrometer's global one):
 *
 * <pre>{@code
 * BlueGreenMetrics.of(proxy).bindTo(registry);
 * }</pre>
 *
 * <p>Per exchange: {@value MeterNames#REQUESTS} (by colour, status class and source),
 * {@value MeterNames#REQUEST_DURATION}, {@value MeterNames#REQUEST_BYTES} and {@value MeterNames#RESPONSE_BYTES}.
 * Gauges: {@value MeterNames#ACTIVE_EXCHANGES}, {@value MeterNames#UPSTREAM_CONNECTIONS} (idle, busy, draining),
 * {@value MeterNames#CLIENT_CONNECTIONS}, {@value MeterNames#LIVE}, {@value MeterNames#GENERATION},
 * {@value MeterNames#DRAIN_EXCHANGES}, {@value MeterNames#DRAIN_CONNECTIONS} and {@value MeterNames#BACKEND_HEALTH}
 * (per backend). Counters of {@value MeterNames#CHANGES} (by kind and outcome), {@value MeterNames#AUTO_ROLLBACKS}
 * (by colour) and {@value MeterNames#DRAINS} (by outcome). With shadow traffic on, {@value MeterNames#MIRROR_REQUESTS},
 * {@value MeterNames#MIRROR_COMPARED} (by outcome), {@value MeterNames#MIRROR_DROPPED} (by reason),
 * {@value MeterNames#MIRROR_IN_FLIGHT} and {@value MeterNames#MIRROR_AGREEMENT} (by colour). {@link MeterNames} lists
 * them all.
 *
 * <p>The per-exchange meters are resolved once, at bind time; recording them takes no lock and allocates nothing.
 * Binding before or after {@code start()} both work. Each {@code bindTo} adds a registry; binding the proxy's meters
 * again to a registry they are bound to (with this binder or another) adds nothing, so nothing is counted twice.
 */
public final class BlueGreenMetrics implements MeterBinder {

    private final BlueGreenProxy proxy;
    private boolean percentileHistogram;

    private BlueGreenMetrics(BlueGreenProxy proxy) {
        this.proxy = proxy;
    }

    /** A binder for {@code proxy} and the admin object it follows. */
    public static BlueGreenMetrics of(BlueGreenProxy proxy) {
        return new BlueGreenMetrics(requireNonNull(proxy, "proxy"));
    }

    /** Publish a percentile histogram for {@value MeterNames#REQUEST_DURATION} (off by default). */
    public BlueGreenMetrics percentileHistogram(boolean enabled) {
        this.percentileHistogram = enabled;
        return this;
    }

    /**
     * Binds the proxy's and its admin object's meters to {@code registry}; a second binding to the same registry
     * adds nothing.
     *
     * @throws IllegalStateException if the proxy's {@link BlueGreen} is closed: its change meters would never move
     *         (nothing is registered then)
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        requireNonNull(registry, "registry");
        if (proxy.admin().isClosed()) {
            throw new IllegalStateException("bindTo refused: the proxy's BlueGreen is closed (expected: an open one;"
                    + " its change meters would never move)");
        }
        if (!proxy.firstMetricsBinding(registry)) {
            // Micrometer hands back the meters already registered: a second recorder and change counter would
            // increment them twice per exchange and per change.
            return;
        }
        BlueGreen admin = proxy.admin();
        for (Colour colour : Colour.values()) {
            String label = colour.label();
            // Gauges hold their object weakly; the proxy is held strongly by the application that runs it.
            Gauge.builder(MeterNames.ACTIVE_EXCHANGES, proxy, p -> p.activeExchanges(colour))
                    .description("Exchanges under way").tag(COLOUR, label).register(registry);
            Gauge.builder(MeterNames.UPSTREAM_CONNECTIONS, proxy, p -> live(p, colour) ? p.idleUpstreamConnections(colour) : 0)
                    .description("Upstream connections").tags(COLOUR, label, STATE, "idle").register(registry);
            Gauge.builder(MeterNames.UPSTREAM_CONNECTIONS, proxy, p -> live(p, colour)
                            ? p.upstreamConnections(colour) - p.idleUpstreamConnections(colour) : 0)
                    .description("Upstream connections").tags(COLOUR, label, STATE, "busy").register(registry);
            Gauge.builder(MeterNames.UPSTREAM_CONNECTIONS, proxy, p -> live(p, colour) ? 0 : p.upstreamConnections(colour))
                    .description("Upstream connections").tags(COLOUR, label, STATE, "draining").register(registry);
            Gauge.builder(MeterNames.LIVE, admin, a -> a.snapshot().live() == colour ? 1 : 0)
                    .description("1 for the live colour").tag(COLOUR, label).register(registry);
            Gauge.builder(MeterNames.DRAIN_EXCHANGES, proxy, p -> p.drain(colour)
                            .filter(d -> !d.isDone()).map(Drain::activeExchanges).orElse(0L))
                    .description("Exchanges a drain still waits for").tag(COLOUR, label).register(registry);
            Gauge.builder(MeterNames.DRAIN_CONNECTIONS, proxy, p -> p.drain(colour)
                            .filter(d -> !d.isDone()).map(Drain::openConnections).orElse(0L))
                    .description("Upstream connections a drain still waits for").tag(COLOUR, label)
                    .register(registry);
        }
        Gauge.builder(MeterNames.CLIENT_CONNECTIONS, proxy, BlueGreenProxy::clientConnections)
                .description("Client connections open").register(registry);
        Gauge.builder(MeterNames.QUEUED_REQUESTS, proxy, BlueGreenProxy::requestsQueued)
                .description("Requests waiting for a backend below its limit of requests under way")
                .register(registry);
        Gauge.builder(MeterNames.GENERATION, admin, a -> a.snapshot().generation())
                .description("The routing generation").register(registry);
        if (proxy.mirrorSettings() != null) {
            bindMirror(registry);
        }
        admin.addListener(new ChangeCounter(registry));
        admin.addListener(new BackendHealthGauges(proxy, registry));
        proxy.addRecorder(new MicrometerRecorder(registry, percentileHistogram));
    }

    /** Shadow traffic's counts, read from its report when scraped (0 while the proxy is not running). */
    private void bindMirror(MeterRegistry registry) {
        FunctionCounter.builder(MeterNames.MIRROR_REQUESTS, proxy, p -> mirrored(p, MirrorReport::mirrored))
                .description("Requests whose copy was sent to the idle colour").register(registry);
        FunctionCounter.builder(MeterNames.MIRROR_COMPARED, proxy, p -> mirrored(p, MirrorReport::matched))
                .description("Pairs of answers compared").tag(OUTCOME, "matched").register(registry);
        FunctionCounter.builder(MeterNames.MIRROR_COMPARED, proxy, p -> mirrored(p, MirrorReport::mismatched))
                .description("Pairs of answers compared").tag(OUTCOME, "mismatched").register(registry);
        for (String reason : MirrorReport.DROP_REASONS) {
            FunctionCounter.builder(MeterNames.MIRROR_DROPPED, proxy,
                            p -> mirrored(p, report -> report.droppedBy().getOrDefault(reason, 0L)))
                    .description("Requests picked for mirroring that gave no compared pair")
                    .tag(MeterNames.REASON, reason).register(registry);
        }
        Gauge.builder(MeterNames.MIRROR_IN_FLIGHT, proxy, p -> mirrored(p, MirrorReport::inFlight))
                .description("Mirrored requests under way").register(registry);
        for (Colour colour : Colour.values()) {
            Gauge.builder(MeterNames.MIRROR_AGREEMENT, proxy, p -> p.mirror()
                            .map(report -> report.agreement().get(colour))
                            .map(agreement -> agreement.pairs() == 0 ? Double.NaN : agreement.ratio())
                            .orElse(Double.NaN))
                    .description("Share of the recent compared pairs that matched").tag(COLOUR, colour.label())
                    .register(registry);
        }
    }

    private static double mirrored(BlueGreenProxy proxy, ToLongFunction<MirrorReport> figure) {
        return proxy.mirror().map(figure::applyAsLong).orElse(0L);
    }

    private static boolean live(BlueGreenProxy proxy, Colour colour) {
        return proxy.admin().snapshot().live() == colour;
    }

    /** Counts applied and refused changes by kind. */
    private static final class ChangeCounter implements ChangeListener {

        private final Map<ChangeKind, Counter> applied = new EnumMap<>(ChangeKind.class);
        private final Map<ChangeKind, Counter> refused = new EnumMap<>(ChangeKind.class);
        private final Map<Colour, Counter> autoRollbacks = new EnumMap<>(Colour.class);

        ChangeCounter(MeterRegistry registry) {
            for (Colour colour : Colour.values()) {
                autoRollbacks.put(colour, Counter.builder(MeterNames.AUTO_ROLLBACKS)
                        .description("Rollbacks made by the automatic rollback watch, by the colour that breached")
                        .tag(COLOUR, colour.label()).register(registry));
            }
            for (ChangeKind kind : ChangeKind.values()) {
                if (kind == ChangeKind.INITIAL) {
                    continue;
                }
                String label = kind.name().toLowerCase(Locale.ROOT);
                applied.put(kind, Counter.builder(MeterNames.CHANGES).description("Admin changes")
                        .tags(KIND, label, OUTCOME, "applied").register(registry));
                refused.put(kind, Counter.builder(MeterNames.CHANGES).description("Admin changes")
                        .tags(KIND, label, OUTCOME, "refused").register(registry));
            }
        }

        @Override
        public void onChange(Change change) {
            Counter counter = applied.get(change.kind());
            if (counter != null) {
                counter.increment();
            }
            if (change.kind() == ChangeKind.ROLLBACK && AutoRollback.ACTOR.equals(change.actor())) {
                // A rollback that moved traffic back breached on the colour it left; one that only returned a shift
                // to 0 breached on the idle colour the shift was sending requests to.
                autoRollbacks.get(change.liveColourChanged() ? change.from() : change.from().other()).increment();
            }
        }

        @Override
        public void onRefused(RefusedChange attempt) {
            attempt.kind().map(refused::get).ifPresent(Counter::increment);
        }
    }
}
