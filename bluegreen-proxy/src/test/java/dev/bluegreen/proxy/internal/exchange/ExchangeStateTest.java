package dev.bluegreen.proxy.internal.exchange;

import static dev.bluegreen.proxy.internal.exchange.ExchangeState.AWAITING;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.CONNECTING;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.DISCARDING;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.ENDED;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.RESPONDING;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.SENDING;
import static dev.bluegreen.proxy.internal.exchange.ExchangeState.TUNNEL;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The transitions of {@link ExchangeState}: the picture in its Javadoc, and nothing else. */
class ExchangeStateTest {

    private static EnumSet<ExchangeState> next(ExchangeState from) {
        EnumSet<ExchangeState> next = EnumSet.noneOf(ExchangeState.class);
        for (ExchangeState to : ExchangeState.values()) {
            if (from.canMoveTo(to)) {
                next.add(to);
            }
        }
        return next;
    }

    @Test
    void transitions_areExactlyTheOnesDrawn() {
        assertThat(next(CONNECTING)).containsExactlyInAnyOrder(SENDING, AWAITING, ENDED);
        assertThat(next(SENDING)).containsExactlyInAnyOrder(AWAITING, RESPONDING, CONNECTING, ENDED);
        assertThat(next(AWAITING)).containsExactlyInAnyOrder(RESPONDING, TUNNEL, CONNECTING, ENDED);
        assertThat(next(RESPONDING)).containsExactlyInAnyOrder(DISCARDING, ENDED);
        assertThat(next(DISCARDING)).containsExactly(ENDED);
        assertThat(next(TUNNEL)).containsExactly(ENDED);
        assertThat(next(ENDED)).isEmpty();
    }

    @Test
    void theBackendIsWaitedFor_onlyWhileItOwesSomething() {
        assertThat(EnumSet.allOf(ExchangeState.class)).filteredOn(ExchangeState::waitsForBackend)
                .containsExactlyInAnyOrder(SENDING, AWAITING, RESPONDING);
    }
}
