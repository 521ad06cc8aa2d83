package dev.bluegreen.proxy.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The retry budget on a clock the test moves: a share of the window's requests, with a floor, and a window that slides. */
class RetryBudgetTest {

    private static final long SECOND = 1_000_000_000L;

    private final RetryBudget budget = new RetryBudget();
    private long now = 42 * SECOND + 123;

    private int retriesAllowed() {
        int allowed = 0;
        while (budget.tryRetry(now)) {
            allowed++;
        }
        return allowed;
    }

    @Test
    void aQuietLoop_mayStillRetryTheMinimum() {
        budget.requestStarted(now);

        assertThat(retriesAllowed()).isEqualTo(RetryBudget.MINIMUM);
    }

    @Test
    void underLoad_aFifthOfTheWindowsRequestsMayBeRetried() {
        for (int i = 0; i < 1000; i++) {
            budget.requestStarted(now);
        }

        assertThat(retriesAllowed()).isEqualTo(200);
    }

    @Test
    void theWindowSlides_requestsAndRetriesOlderThanTenSecondsNoLongerCount() {
        for (int i = 0; i < 1000; i++) {
            budget.requestStarted(now);
        }
        assertThat(retriesAllowed()).isEqualTo(200);

        now += 5 * SECOND;
        assertThat(retriesAllowed()).as("the same window: spent").isZero();
        for (int i = 0; i < 500; i++) {
            budget.requestStarted(now);
        }
        assertThat(retriesAllowed()).as("a fifth of 1500, less the 200 taken").isEqualTo(100);

        now += 5 * SECOND;
        assertThat(retriesAllowed()).as("the first second is out; the 100 retries are a fifth of the 500 requests left")
                .isEqualTo(0);
        now += 60 * SECOND;
        assertThat(retriesAllowed()).as("everything is out: the minimum").isEqualTo(RetryBudget.MINIMUM);
    }
}
