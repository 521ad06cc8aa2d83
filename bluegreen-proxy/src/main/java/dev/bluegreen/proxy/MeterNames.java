package dev.bluegreen.proxy;

import dev.bluegreen.proxy.watch.AutoRollback;

/**
 * The names and tags of every meter {@link BlueGreenMetrics} registers, in one place (the README lists them too).
 * Names follow Micrometer's dotted convention; each registry renders them its own way (Prometheus:
 * {@code bluegreen_requests_total}).
 */
public final class MeterNames {

    /** Counter: exchanges ended. Tags {@link #COLOUR}, {@link #STATUS}, {@link #SOURCE}. */
    public static final String REQUESTS = "bluegreen.requests";
    /** Timer: from request head to the end of the response. Tag {@link #COLOUR}. */
    public static final String REQUEST_DURATION = "bluegreen.request.duration";
    /**
     * Counter (bytes): request body bytes relayed to backends, and the bytes a tunnel (a WebSocket) relayed to its
     * backend, counted when it closes. Tag {@link #COLOUR}.
     */
    public static final String REQUEST_BYTES = "bluegreen.request.bytes";
    /**
     * Counter (bytes): response body bytes relayed to clients, and the bytes a tunnel (a WebSocket) relayed to its
     * client. Tag {@link #COLOUR}.
     */
    public static final String RESPONSE_BYTES = "bluegreen.response.bytes";
    /** Gauge: exchanges under way (requests and tunnels). Tag {@link #COLOUR}. */
    public static final String ACTIVE_EXCHANGES = "bluegreen.exchanges.active";
    /** Gauge: upstream connections. Tags {@link #COLOUR}, {@link #STATE}. */
    public static final String UPSTREAM_CONNECTIONS = "bluegreen.upstream.connections";
    /** Gauge: client connections open. */
    public static final String CLIENT_CONNECTIONS = "bluegreen.client.connections";
    /**
     * Gauge: requests waiting in the queue because every backend of their pool is at its limit of requests under way
     * ({@code Timeouts.queue()}).
     */
    public static final String QUEUED_REQUESTS = "bluegreen.requests.queued";
    /**
     * Timer: waits in that queue, by how they ended. Tags {@link #COLOUR}, {@link #OUTCOME} ({@code served},
     * {@code timed_out}: the request got 503, {@code abandoned}: its client left or a deadline ended it).
     */
    public static final String QUEUE_WAITS = "bluegreen.queue.waits";
    /** Gauge: 1 for the live colour, 0 for the idle one. Tag {@link #COLOUR}. */
    public static final String LIVE = "bluegreen.live";
    /** Gauge: the routing generation. */
    public static final String GENERATION = "bluegreen.generation";
    /** Counter: admin changes. Tags {@link #KIND}, {@link #OUTCOME}. */
    public static final String CHANGES = "bluegreen.changes";
    /** Gauge: exchanges the colour's latest drain still waits for (0 when it is not draining). Tag {@link #COLOUR}. */
    public static final String DRAIN_EXCHANGES = "bluegreen.drain.exchanges";
    /** Gauge: upstream connections the colour's latest drain still waits for. Tag {@link #COLOUR}. */
    public static final String DRAIN_CONNECTIONS = "bluegreen.drain.connections";
    /** Counter: drains ended. Tags {@link #COLOUR}, {@link #OUTCOME}. */
    public static final String DRAINS = "bluegreen.drains";

    /**
     * Counter: rollbacks the {@code AutoRollback} watch made (after a switch, or of a shift plan's step). Tag
     * {@link #COLOUR}: the colour that breached.
     */
    public static final String AUTO_ROLLBACKS = "bluegreen.auto.rollbacks";
    /**
     * Gauge: a backend's health, 1 healthy, 0 unhealthy or ejected, -1 not checked. Tags {@link #COLOUR},
     * {@link #BACKEND}.
     */
    public static final String BACKEND_HEALTH = "bluegreen.backend.health";
    /**
     * Gauge: the requests under way on a backend that has a limit ({@code Backend.maxRequests()}), or on every
     * backend with {@link LoadBalancing#LEAST_REQUESTS}, as they are counted; registered only for such a backend.
     * Tags {@link #COLOUR}, {@link #BACKEND}.
     */
    public static final String BACKEND_REQUESTS = "bluegreen.backend.requests";
    /**
     * Counter: requests the proxy refused before any exchange began, so no backend saw them (malformed, over a
     * limit, too slow, a wrong {@code Host}, over the connection limit). Tag {@link #CODE}: the status answered.
     */
    public static final String REQUESTS_REJECTED = "bluegreen.requests.rejected";
    /**
     * Counter: requests the safety net sent to the previous live colour because the new one could not take them.
     * Tag {@link #COLOUR}: the colour that could not.
     */
    public static final String SAFETY_NET_REROUTES = "bluegreen.safety.net.reroutes";
    /**
     * Counter: requests whose upstream connection failed before any byte of the response came, sent to another
     * backend of the same pool ({@link #OUTCOME} {@code retried}) or not, because the retry budget was spent
     * ({@code over_budget}). Tag {@link #COLOUR}. A connect that fails is not counted: the request goes to the next
     * backend, as any request whose connect fails does.
     */
    public static final String RETRIES = "bluegreen.retries";

    /**
     * Counter: gRPC calls ended (requests with content type {@code application/grpc} on HTTP/2 streams), by the
     * status the client sees. Tags {@link #COLOUR}, {@link #GRPC_STATUS}, {@link #SOURCE} ({@code backend},
     * {@code proxy}, or {@code client} for a call the client cancelled). Registered at a combination's first call.
     */
    public static final String GRPC_CALLS = "bluegreen.grpc.calls";

    /** Tag: a gRPC status code's name, such as {@code OK} or {@code UNAVAILABLE}. */
    public static final String GRPC_STATUS = "grpc.status";

    /** Counter: requests whose copy shadow traffic sent to the idle colour. */
    public static final String MIRROR_REQUESTS = "bluegreen.mirror.requests";
    /** Counter: pairs of answers shadow traffic compared. Tag {@link #OUTCOME}: {@code matched} or {@code mismatched}. */
    public static final String MIRROR_COMPARED = "bluegreen.mirror.compared";
    /**
     * Counter: requests picked for shadow traffic that gave no compared pair. Tag {@link #REASON}: one of
     * {@link MirrorReport#DROP_REASONS}.
     */
    public static final String MIRROR_DROPPED = "bluegreen.mirror.dropped";
    /** Gauge: mirrored requests under way. */
    public static final String MIRROR_IN_FLIGHT = "bluegreen.mirror.in.flight";
    /**
     * Gauge: the share of a colour's recent compared pairs that matched (what the guard {@code mirror-agreement}
     * judges), 0 to 1; not a number while it has none. Tag {@link #COLOUR}.
     */
    public static final String MIRROR_AGREEMENT = "bluegreen.mirror.agreement";

    /** Tag: why a mirrored request was dropped. */
    public static final String REASON = "reason";
    /** Tag: a backend's id ({@code host:port} unless named). */
    public static final String BACKEND = "backend";
    /** Tag: an HTTP status code, such as {@code 431}, or {@code other}. */
    public static final String CODE = "code";
    /** Tag: {@code blue} or {@code green}. */
    public static final String COLOUR = "colour";
    /** Tag: the status class {@code 1xx}..{@code 5xx}, or {@code aborted} for an exchange cut short. */
    public static final String STATUS = "status";
    /**
     * Tag: {@code backend} (the backend's response; with {@link #STATUS} {@code aborted}, an exchange cut short by the
     * backend or at a drain deadline), {@code proxy} (the proxy's own 502/503/504) or {@code client} (only with
     * {@code aborted}: an exchange its client abandoned, closing its connection, resetting its stream or taking none
     * of the response); for {@link #GRPC_CALLS}, who decided the call's status.
     */
    public static final String SOURCE = "source";
    /** Tag: {@code idle}, {@code busy} or {@code draining} (any connection of a colour that is not live). */
    public static final String STATE = "state";
    /** Tag: {@code switch}, {@code promote}, {@code rollback}, {@code deploy} or {@code shift}. */
    public static final String KIND = "kind";
    /**
     * Tag: {@code applied} or {@code refused} (changes); {@code drained}, {@code deadline}... (drains);
     * {@code retried} or {@code over_budget} (retries).
     */
    public static final String OUTCOME = "outcome";

    private MeterNames() {
    }
}
