package dev.bluegreen.proxy.internal.metrics;

import static dev.bluegreen.proxy.MeterNames.CODE;
import static dev.bluegreen.proxy.MeterNames.COLOUR;
import static dev.bluegreen.proxy.MeterNames.GRPC_STATUS;
import static dev.bluegreen.proxy.MeterNames.OUTCOME;
import static dev.bluegreen.proxy.MeterNames.SOURCE;
import static dev.bluegreen.proxy.MeterNames.STATUS;

import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.DrainReport;
import dev.bluegreen.proxy.MeterNames;
import dev.bluegreen.proxy.internal.grpc.GrpcCallSource;
import dev.bluegreen.proxy.internal.grpc.GrpcStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Records exchanges and drains into Micrometer meters resolved once, up front: the per-exchange path is array
 * lookups and adder increments, with no lock, no map lookup and no allocation.
 */
public final class MicrometerRecorder implements ProxyRecorder {

    private static final String[] STATUS_CLASSES = {"aborted", "1xx", "2xx", "3xx", "4xx", "5xx"};
    private static final String[] SOURCES = {"backend", "proxy"};
    /** The source of an exchange its client abandoned; only with the status "aborted". */
    private static final String CLIENT = "client";
    /** The statuses the proxy refuses requests with; anything else counts as "other". */
    private static final int[] REJECTION_STATUSES = {400, 408, 413, 414, 417, 421, 431, 501, 503, 505};

    private final Counter[][][] requests;
    /** By colour: exchanges the client abandoned (status "aborted", source "client"). */
    private final Counter[] abandoned;
    private final Timer[] durations;
    private final Counter[] requestBytes;
    private final Counter[] responseBytes;
    private final Counter[][] drains;
    /** By the index of the status in {@link #REJECTION_STATUSES}; the last one is "other". */
    private final Counter[] rejections;
    private final Counter[] safetyNetReroutes;
    /** By colour, then 0 for a retry made and 1 for one the budget refused. */
    private final Counter[][] retries;
    private final MeterRegistry registry;
    /**
     * By colour, gRPC status and {@link GrpcCallSource}; registered at first use, since most proxies carry no
     * gRPC. A race registers the same counter twice, which the registry answers with the same meter.
     */
    private final Counter[][][] grpcCalls;
    /** By colour and {@link QueueOutcome}; registered at first use, as a proxy without limits never queues. */
    private final Timer[][] queueWaits;

    /** @param percentileHistogram whether the duration timer publishes a percentile histogram */
    public MicrometerRecorder(MeterRegistry registry, boolean percentileHistogram) {
        this.registry = registry;
        Colour[] colours = Colour.values();
        DrainReport.Outcome[] outcomes = DrainReport.Outcome.values();
        grpcCalls = new Counter[colours.length][GrpcStatus.MAX + 1][GrpcCallSource.values().length];
        queueWaits = new Timer[colours.length][QueueOutcome.values().length];
        requests = new Counter[colours.length][STATUS_CLASSES.length][SOURCES.length];
        abandoned = new Counter[colours.length];
        durations = new Timer[colours.length];
        requestBytes = new Counter[colours.length];
        responseBytes = new Counter[colours.length];
        drains = new Counter[colours.length][outcomes.length];
        rejections = new Counter[REJECTION_STATUSES.length + 1];
        for (int i = 0; i <= REJECTION_STATUSES.length; i++) {
            rejections[i] = Counter.builder(MeterNames.REQUESTS_REJECTED)
                    .description("Requests the proxy refused before any exchange began; no backend saw them")
                    .tag(CODE, i < REJECTION_STATUSES.length ? Integer.toString(REJECTION_STATUSES[i]) : "other")
                    .register(registry);
        }
        safetyNetReroutes = new Counter[colours.length];
        retries = new Counter[colours.length][2];
        for (Colour colour : colours) {
            for (int r = 0; r < 2; r++) {
                retries[colour.ordinal()][r] = Counter.builder(MeterNames.RETRIES)
                        .description("Requests whose connection failed before any response byte, sent to another "
                                + "backend of the pool, or not because the retry budget was spent")
                        .tags(COLOUR, colour.label(), OUTCOME, r == 0 ? "retried" : "over_budget")
                        .register(registry);
            }
            safetyNetReroutes[colour.ordinal()] = Counter.builder(MeterNames.SAFETY_NET_REROUTES)
                    .description("Requests the safety net sent to the previous live colour, by the colour that failed")
                    .tag(COLOUR, colour.label())
                    .register(registry);
            int c = colour.ordinal();
            for (int s = 0; s < STATUS_CLASSES.length; s++) {
                for (int o = 0; o < SOURCES.length; o++) {
                    requests[c][s][o] = Counter.builder(MeterNames.REQUESTS)
                            .description("Exchanges ended, by the colour they were pinned to and their status class")
                            .tags(COLOUR, colour.label(), STATUS, STATUS_CLASSES[s], SOURCE, SOURCES[o])
                            .register(registry);
                }
            }
            abandoned[c] = Counter.builder(MeterNames.REQUESTS)
                    .description("Exchanges ended, by the colour they were pinned to and their status class")
                    .tags(COLOUR, colour.label(), STATUS, STATUS_CLASSES[0], SOURCE, CLIENT)
                    .register(registry);
            durations[c] = Timer.builder(MeterNames.REQUEST_DURATION)
                    .description("From the request head to the end of the response")
                    .tag(COLOUR, colour.label())
                    .publishPercentileHistogram(percentileHistogram)
                    .register(registry);
            requestBytes[c] = Counter.builder(MeterNames.REQUEST_BYTES).baseUnit("bytes")
                    .description("Request body bytes relayed to backends").tag(COLOUR, colour.label())
                    .register(registry);
            responseBytes[c] = Counter.builder(MeterNames.RESPONSE_BYTES).baseUnit("bytes")
                    .description("Response body bytes relayed to clients").tag(COLOUR, colour.label())
                    .register(registry);
            for (DrainReport.Outcome outcome : outcomes) {
                drains[c][outcome.ordinal()] = Counter.builder(MeterNames.DRAINS)
                        .description("Drains of a colour that stopped being live, by how they ended")
                        .tags(COLOUR, colour.label(), OUTCOME, outcome.name().toLowerCase(Locale.ROOT))
                        .register(registry);
            }
        }
    }

    @Override
    public void exchangeEnded(Colour colour, int status, boolean fromProxy, long durationNanos, long requestBytes,
                              long responseBytes) {
        int c = colour.ordinal();
        int statusClass = status >= 100 && status < 600 ? status / 100 : 0;
        requests[c][statusClass][fromProxy ? 1 : 0].increment();
        recordTimeAndBytes(c, durationNanos, requestBytes, responseBytes);
    }

    /**
     * Counted apart from the exchanges the backend or the proxy cut short (source {@code client}): any client can
     * abandon requests at will, and an alert on responses cut by backends must not fire for them.
     */
    @Override
    public void exchangeAbandoned(Colour colour, long durationNanos, boolean awaitingBackend, long requestBytes,
                                  long responseBytes) {
        int c = colour.ordinal();
        abandoned[c].increment();
        recordTimeAndBytes(c, durationNanos, requestBytes, responseBytes);
    }

    /** The duration and the body bytes each way of an exchange on the colour of ordinal {@code c}, however it ended. */
    private void recordTimeAndBytes(int c, long durationNanos, long requestBytes, long responseBytes) {
        durations[c].record(durationNanos, TimeUnit.NANOSECONDS);
        if (requestBytes > 0) {
            this.requestBytes[c].increment(requestBytes);
        }
        if (responseBytes > 0) {
            this.responseBytes[c].increment(responseBytes);
        }
    }

    @Override
    public void drainEnded(DrainReport report) {
        drains[report.colour().ordinal()][report.outcome().ordinal()].increment();
    }

    @Override
    public void safetyNetUsed(Colour failedColour) {
        safetyNetReroutes[failedColour.ordinal()].increment();
    }

    @Override
    public void upstreamRetried(Colour colour, boolean withinBudget) {
        retries[colour.ordinal()][withinBudget ? 0 : 1].increment();
    }

    @Override
    public void queueWaitEnded(Colour colour, QueueOutcome outcome, long waitedNanos) {
        Timer timer = queueWaits[colour.ordinal()][outcome.ordinal()];
        if (timer == null) {
            timer = Timer.builder(MeterNames.QUEUE_WAITS)
                    .description("Waits in the queue for a backend below its limit of requests under way, by how "
                            + "they ended")
                    .tags(COLOUR, colour.label(), OUTCOME, outcome.name().toLowerCase(Locale.ROOT))
                    .register(registry);
            queueWaits[colour.ordinal()][outcome.ordinal()] = timer;
        }
        timer.record(waitedNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void grpcCallEnded(Colour colour, int status, GrpcCallSource source) {
        Counter counter = grpcCalls[colour.ordinal()][status][source.ordinal()];
        if (counter == null) {
            counter = Counter.builder(MeterNames.GRPC_CALLS)
                    .description("gRPC calls ended, by the colour that served them and the status the client saw")
                    .tags(COLOUR, colour.label(), GRPC_STATUS, GrpcStatus.name(status),
                            SOURCE, source.name().toLowerCase(Locale.ROOT))
                    .register(registry);
            grpcCalls[colour.ordinal()][status][source.ordinal()] = counter;
        }
        counter.increment();
    }

    @Override
    public void requestRejected(int status) {
        int index = REJECTION_STATUSES.length;
        for (int i = 0; i < REJECTION_STATUSES.length; i++) {
            if (REJECTION_STATUSES[i] == status) {
                index = i;
                break;
            }
        }
        rejections[index].increment();
    }
}
