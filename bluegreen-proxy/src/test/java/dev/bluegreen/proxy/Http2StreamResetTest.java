package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.Gate;
import io.netty.handler.codec.http2.Http2Error;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A stream the client resets while its request waits on the backend: its exchange ends at once, nothing more is
 * written to it, and the other streams of the connection, and the connection itself, go on. A stream has no channel
 * of its own; this is what its connection's handler tells it when the codec closes it.
 */
class Http2StreamResetTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void aStreamTheClientResets_endsItsExchange_andTheOtherStreamsGoOn() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawH2Connection client = RawH2Connection.open(fixture.port())) {
            Gate gate = fixture.blue().hold();
            client.get(1);
            client.get(3);
            client.flush();
            gate.awaitArrived(2, TIMEOUT);
            assertThat(fixture.proxy.activeExchanges(Colour.BLUE)).isEqualTo(2);

            client.rstStream(1, (int) Http2Error.CANCEL.code());
            client.flush();

            await().atMost(TIMEOUT).until(() -> fixture.proxy.activeExchanges(Colour.BLUE) == 1);
            gate.release(2);
            assertThat(client.awaitStatus(3, TIMEOUT)).isEqualTo(200);
            // The connection is still up: a new stream is served.
            client.get(5);
            client.flush();
            assertThat(client.awaitStatus(5, TIMEOUT)).isEqualTo(200);
            await().atMost(TIMEOUT).until(() -> fixture.proxy.activeExchanges(Colour.BLUE) == 0);
            assertThat(client.received(RawH2Connection.HEADERS)).as("nothing written to the reset stream")
                    .noneMatch(frame -> frame.streamId() == 1);
            assertThat(client.received(RawH2Connection.GOAWAY)).isEmpty();
            assertThat(fixture.proxy.clientConnections()).isEqualTo(1);
        }
    }
}
