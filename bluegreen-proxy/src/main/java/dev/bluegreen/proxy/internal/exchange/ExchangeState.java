package dev.bluegreen.proxy.internal.exchange;

/**
 * Where one {@link Exchange} is. The request and the response overlap on the wire (a backend may answer before the
 * whole request body is sent), so the states follow the exchange as a whole:
 *
 * <pre>
 * CONNECTING ──▶ SENDING ──▶ AWAITING ──▶ RESPONDING ──▶ ENDED
 *     ▲ │           │  ╲          │  ╲          │
 *     │ │           │   ╲─────────┼───▶─────────┤ early response: DISCARDING ──▶ ENDED
 *     │ ▼           ▼             ▼    TUNNEL ──▶ ENDED
 *     └─ retry / replay           (a 101)
 * </pre>
 *
 * Any state but ENDED may end at once (client gone, failure, drain deadline).
 */
enum ExchangeState {

    /** Picking a backend and connecting to it (or resolving it); nothing of the request has been sent. */
    CONNECTING,
    /** The request head is sent; its body is on its way, read from the client as fast as the backend takes it. */
    SENDING,
    /** The whole request is sent; waiting for the response head (1xx responses may pass). */
    AWAITING,
    /** The response head went to the client; its body follows (the request may still be under way). */
    RESPONDING,
    /**
     * The response ended before the request did: the backend's connection is dropped and the rest of the request
     * body is read and discarded, so the client connection stays in step.
     */
    DISCARDING,
    /** Switched protocols (101): bytes relayed both ways until either side closes. */
    TUNNEL,
    /** Over: counted, recorded, its upstream connection released or closed. */
    ENDED;

    /** Whether the exchange may move from this state to {@code next}. */
    boolean canMoveTo(ExchangeState next) {
        return switch (this) {
            case CONNECTING -> next == SENDING || next == AWAITING || next == ENDED;
            case SENDING -> next == AWAITING || next == RESPONDING || next == CONNECTING || next == ENDED;
            case AWAITING -> next == RESPONDING || next == TUNNEL || next == CONNECTING || next == ENDED;
            case RESPONDING -> next == DISCARDING || next == ENDED;
            case DISCARDING, TUNNEL -> next == ENDED;
            case ENDED -> false;
        };
    }

    /** Whether nothing of the response has gone to the client yet, and the exchange has not ended. */
    boolean beforeResponse() {
        return this == CONNECTING || this == SENDING || this == AWAITING;
    }

    /** Whether the backend owes the exchange something, so that its silence counts towards the response timeout. */
    boolean waitsForBackend() {
        return this == SENDING || this == AWAITING || this == RESPONDING;
    }
}
