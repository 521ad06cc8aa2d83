package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.RawHttpClient;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Frame-level attacks on the HTTP/2 listener, sent as raw frames: each must cost the attacker its connection and
 * leave the proxy serving everyone else.
 */
class Http2AttackTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** The proxy still answers HTTP/1.1 and HTTP/2 clients, and nothing of the attack is left open. */
    private static void assertHealthy(ProxyFixture fixture) {
        try (RawHttpClient http11 = RawHttpClient.connect(fixture.port());
             H2Client h2 = H2Client.cleartext(fixture.port())) {
            assertThat(http11.get("/after").status()).isEqualTo(200);
            assertThat(H2Client.await(h2.get("/after")).status()).isEqualTo(200);
        }
        await().atMost(TIMEOUT).until(() -> fixture.proxy.clientConnections() == 0
                && fixture.proxy.activeExchanges(Colour.BLUE) == 0);
    }

    @Test
    void rapidReset_closesTheConnectionWithEnhanceYourCalm() throws IOException {
        // CVE-2023-44487: open a stream and reset it at once, over and over; each costs the server an exchange.
        try (ProxyFixture fixture = ProxyFixture.start()) {
            try (RawH2Connection attacker = RawH2Connection.open(fixture.port())) {
                try {
                    for (int stream = 1; stream < 2 * 1000; stream += 2) {
                        attacker.get(stream);
                        attacker.rstStream(stream, (int) Http2Error.CANCEL.code());
                    }
                    attacker.flush();
                } catch (IOException closedUnderUs) {
                    // The proxy closed the connection while the attack was still being written.
                }

                RawH2Connection.Frame goAway = attacker.awaitGoAway(TIMEOUT);
                assertThat(goAway.errorCode()).isEqualTo((int) Http2Error.ENHANCE_YOUR_CALM.code());
                assertThat(attacker.awaitClosed(TIMEOUT)).isTrue();
            }
            // Well under the 1,000 streams opened: the defence cut in at 200 resets.
            assertThat(fixture.blue().requestCount()).isLessThan(1000);
            assertHealthy(fixture);
        }
    }

    @Test
    void continuationFlood_closesTheConnection_atTheHeaderListLimit() throws IOException {
        // CVE-2024-27316 and kin: a header block that never ends, one CONTINUATION frame after another. The
        // block is limited as it accumulates, so the connection is closed once it passes the limit (16 KiB, plus a
        // quarter), long before the 1 MiB sent here could pile up.
        try (ProxyFixture fixture = ProxyFixture.start()) {
            try (RawH2Connection attacker = RawH2Connection.open(fixture.port())) {
                byte[] fragment = new byte[16 * 1024];
                Arrays.fill(fragment, (byte) 0x40);
                try {
                    attacker.frame(RawH2Connection.HEADERS, RawH2Connection.END_STREAM, 1,
                            attacker.getRequestBlock());
                    for (int i = 0; i < 64; i++) {
                        attacker.frame(RawH2Connection.CONTINUATION, 0, 1, fragment);
                    }
                    attacker.flush();
                } catch (IOException closedUnderUs) {
                    // The proxy closed the connection while the flood was still being written.
                }

                RawH2Connection.Frame goAway = attacker.awaitGoAway(TIMEOUT);
                assertThat(goAway.errorCode()).isNotEqualTo((int) Http2Error.NO_ERROR.code());
                assertThat(attacker.awaitClosed(TIMEOUT)).isTrue();
            }
            assertThat(fixture.blue().requestCount()).isZero();
            assertHealthy(fixture);
        }
    }

    @Test
    void continuationFlood_ofTinyFrames_closesTheConnection() throws IOException {
        // The same attack with one-byte fragments stays under the size limit for long; the count of small
        // CONTINUATION frames is limited too.
        try (ProxyFixture fixture = ProxyFixture.start()) {
            try (RawH2Connection attacker = RawH2Connection.open(fixture.port())) {
                try {
                    attacker.frame(RawH2Connection.HEADERS, RawH2Connection.END_STREAM, 1,
                            attacker.getRequestBlock());
                    for (int i = 0; i < 10_000; i++) {
                        attacker.frame(RawH2Connection.CONTINUATION, 0, 1, new byte[] {0x40});
                    }
                    attacker.flush();
                } catch (IOException closedUnderUs) {
                    // Closed while still flooding.
                }

                RawH2Connection.Frame goAway = attacker.awaitGoAway(TIMEOUT);
                assertThat(goAway.errorCode()).isNotEqualTo((int) Http2Error.NO_ERROR.code());
                assertThat(attacker.awaitClosed(TIMEOUT)).isTrue();
            }
            assertHealthy(fixture);
        }
    }

    @Test
    void pingFlood_fromAClientThatDoesNotRead_closesTheConnection() throws IOException {
        // CVE-2019-9512: every PING must be answered; a client that never reads the answers makes them pile up in
        // the proxy. Past 10,000 answers queued the connection is closed instead.
        try (ProxyFixture fixture = ProxyFixture.start()) {
            try (RawH2Connection attacker = RawH2Connection.openWithoutReading(fixture.port())) {
                byte[] ping = RawH2Connection.encode(RawH2Connection.PING, 0, 0, new byte[8]);
                byte[] batch = new byte[ping.length * 10_000];
                for (int i = 0; i < 10_000; i++) {
                    System.arraycopy(ping, 0, batch, i * ping.length, ping.length);
                }
                boolean cutOff = false;
                try {
                    // 2,000,000 PINGs, 34 MB: far more answers than the socket buffers between us can hold.
                    for (int i = 0; i < 200; i++) {
                        attacker.writeRaw(batch);
                    }
                    attacker.flush();
                } catch (IOException closedUnderUs) {
                    cutOff = true;
                }
                attacker.startReading();

                assertThat(attacker.awaitClosed(Duration.ofSeconds(60))).isTrue();
                assertThat(cutOff || !attacker.received(RawH2Connection.GOAWAY).isEmpty()).isTrue();
            }
            assertHealthy(fixture);
        }
    }

    @Test
    void headerListOverTheLimit_gets431_andTheConnectionStaysUp() throws Exception {
        // 16 KiB is the limit; 17 KiB is over it but under the 20 KiB at which the connection is closed.
        try (ProxyFixture fixture = ProxyFixture.start();
             RawH2Connection client = RawH2Connection.open(fixture.port())) {
            byte[] block = client.getRequestBlockWithHeader(17 * 1024);
            // Frames are at most 16 KiB (SETTINGS_MAX_FRAME_SIZE): the block goes on in a CONTINUATION frame.
            client.frame(RawH2Connection.HEADERS, RawH2Connection.END_STREAM, 1, Arrays.copyOf(block, 16_000));
            client.frame(RawH2Connection.CONTINUATION, RawH2Connection.END_HEADERS, 1,
                    Arrays.copyOfRange(block, 16_000, block.length));
            client.flush();

            await().atMost(TIMEOUT).until(() -> !client.received(RawH2Connection.HEADERS).isEmpty());
            RawH2Connection.Frame response = client.received(RawH2Connection.HEADERS).get(0);
            Http2Headers headers = new DefaultHttp2HeadersDecoder(true)
                    .decodeHeaders(1, Unpooled.wrappedBuffer(response.payload()));
            assertThat(headers.status().toString()).isEqualTo("431");
            assertThat(fixture.blue().requestCount()).isZero();

            client.get(3);
            client.flush();
            await().atMost(TIMEOUT).until(() -> client.received(RawH2Connection.HEADERS).size() == 2);
            assertThat(client.received(RawH2Connection.GOAWAY)).isEmpty();
            assertThat(fixture.blue().requestCount()).isEqualTo(1);
        }
    }

    @Test
    void configuredLimits_areTheOnesEnforced() throws IOException {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.http2(Http2Options.defaults()
                .withMaxConcurrentStreams(5).withMaxResetStreams(10, Duration.ofSeconds(30))))) {
            try (RawH2Connection client = RawH2Connection.open(fixture.port())) {
                Gate gate = fixture.blue().hold();
                for (int stream = 1; stream <= 9; stream += 2) {
                    client.get(stream);
                }
                client.flush();
                gate.awaitArrived(5, TIMEOUT);
                client.get(11);
                client.flush();

                await().atMost(TIMEOUT).until(() -> !client.received(RawH2Connection.RST_STREAM).isEmpty());
                RawH2Connection.Frame refused = client.received(RawH2Connection.RST_STREAM).get(0);
                assertThat(refused.streamId()).isEqualTo(11);
                assertThat(refused.errorCode()).isEqualTo((int) Http2Error.REFUSED_STREAM.code());
                gate.release();
            }
            try (RawH2Connection attacker = RawH2Connection.open(fixture.port())) {
                try {
                    for (int stream = 1; stream < 2 * 50; stream += 2) {
                        attacker.get(stream);
                        attacker.rstStream(stream, (int) Http2Error.CANCEL.code());
                    }
                    attacker.flush();
                } catch (IOException closedUnderUs) {
                    // Closed while still resetting.
                }
                assertThat(attacker.awaitGoAway(TIMEOUT).errorCode())
                        .isEqualTo((int) Http2Error.ENHANCE_YOUR_CALM.code());
            }
        }
    }

    @Test
    void moreThanMaxConcurrentStreams_areRefused_andTheOthersAreServed() throws IOException {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawH2Connection client = RawH2Connection.open(fixture.port())) {
            Gate gate = fixture.blue().hold();
            for (int stream = 1; stream <= 199; stream += 2) {
                client.get(stream);
            }
            client.flush();
            gate.awaitArrived(100, TIMEOUT);

            client.get(201);
            client.flush();

            await().atMost(TIMEOUT).until(() -> !client.received(RawH2Connection.RST_STREAM).isEmpty());
            RawH2Connection.Frame refused = client.received(RawH2Connection.RST_STREAM).get(0);
            assertThat(refused.streamId()).isEqualTo(201);
            assertThat(refused.errorCode()).isEqualTo((int) Http2Error.REFUSED_STREAM.code());

            gate.release();
            await().atMost(TIMEOUT).until(() -> client.received(RawH2Connection.HEADERS).size() == 100);
            assertThat(client.received(RawH2Connection.HEADERS)).allMatch(frame -> frame.streamId() <= 199);
            assertThat(client.received(RawH2Connection.GOAWAY)).isEmpty();
            assertThat(fixture.blue().requestCount()).isEqualTo(100);
        }
    }
}
