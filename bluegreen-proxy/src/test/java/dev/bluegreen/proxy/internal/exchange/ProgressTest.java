package dev.bluegreen.proxy.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.Timeouts;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which timeout an exchange is past, by when it last made progress each way. */
class ProgressTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private final Timeouts timeouts = Timeouts.defaults().withResponse(Duration.ofSeconds(30))
            .withSend(Duration.ofSeconds(60));
    private final Progress progress = new Progress();

    @Test
    void silentBackend_isOverdueAtTheResponseTimeout() {
        progress.upstreamActive();
        long now = System.nanoTime();

        assertThat(progress.overdue(now + 29 * SECOND, timeouts)).isEqualTo(Progress.Overdue.NONE);
        assertThat(progress.overdue(now + 31 * SECOND, timeouts)).isEqualTo(Progress.Overdue.BACKEND_SILENT);
    }

    @Test
    void stalledClient_isOverdueAtTheSendTimeout_andItsTimeIsNotTheBackends() {
        progress.upstreamActive();
        progress.clientStalled();
        long now = System.nanoTime();

        assertThat(progress.overdue(now + 59 * SECOND, timeouts)).as("not the backend's silence")
                .isEqualTo(Progress.Overdue.NONE);
        assertThat(progress.overdue(now + 61 * SECOND, timeouts)).isEqualTo(Progress.Overdue.CLIENT_STALLED);
    }

    @Test
    void clientThatResumes_startsTheBackendsSilenceAfresh() throws Exception {
        progress.upstreamActive();
        progress.clientStalled();
        progress.clientStalled();

        assertThat(progress.clientResumed()).as("it was waiting").isTrue();
        assertThat(progress.clientResumed()).as("once").isFalse();
        // The proxy asked the backend for nothing while the client was stalled: that time is not its silence.
        assertThat(progress.overdue(System.nanoTime() + 29 * SECOND, timeouts)).isEqualTo(Progress.Overdue.NONE);
    }
}
