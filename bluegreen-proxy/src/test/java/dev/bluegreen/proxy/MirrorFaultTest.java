package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.HttpLoad;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Shadow traffic when the idle colour is slow or down, under load: the live requests all succeed, the mirrors in
 * flight stay within their bound (and so does the memory their request bodies take), the rest is dropped and counted,
 * and once the load stops every mirror and its connection is let go.
 */
class MirrorFaultTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int LOOPS = 2;
    private static final int BOUND = 4;

    /** Reads the proxy's figures every few milliseconds while a load runs, keeping the highest seen. */
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopSampler() throws InterruptedException {
        sampler.shutdownNow();
        sampler.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void aHangingIdleColourUnderLoad_failsNoLiveRequest_keepsTheMirrorsWithinTheBound_andDropsTheRest() {
        try (ProxyFixture fixture = ProxyFixture.start(builder -> builder.eventLoopThreads(LOOPS)
                .mirror(MirrorSettings.percent(100).withMaxInFlightPerLoop(BOUND)
                        .withTimeout(Duration.ofMillis(300))))) {
            fixture.green().neverRespond();
            LongAccumulator maxInFlight = sampleMax(fixture.proxy, MirrorReport::inFlight);

            HttpLoad.Summary summary;
            try (HttpLoad load = HttpLoad.start(fixture.port(), 8, "/hang")) {
                load.awaitResponses(3_000, WAIT);
                summary = load.stop();
            }
            MirrorReport report = MirrorTest.settled(fixture.proxy);

            assertThat(summary.failures()).isZero();
            assertThat(summary.byStatus()).containsOnlyKeys(200);
            assertThat(maxInFlight.get()).isPositive().isLessThanOrEqualTo(LOOPS * BOUND);
            assertThat(report.droppedBy().get("over-bound")).isPositive();
            assertThat(report.droppedBy().get("idle-slow")).isPositive();
            assertThat(report.matched() + report.mismatched()).isZero();
            assertThat(report.inFlight()).isZero();
            // Each mirror that timed out closed its connection to the hanging backend.
            fixture.green().awaitOpenConnections(0, WAIT);
        }
    }

    @Test
    void mirroredBodiesUnderLoad_withAHangingIdleColour_holdAtMostTheBoundTimesTheCap() throws Exception {
        int cap = 16 * 1024;
        try (ProxyFixture fixture = ProxyFixture.start(builder -> builder.eventLoopThreads(LOOPS)
                .mirror(MirrorSettings.percent(100).withMethods(List.of("GET", "POST")).withMaxBodySize(cap)
                        .withMaxInFlightPerLoop(BOUND).withTimeout(Duration.ofMillis(300))))) {
            fixture.green().neverRespond();
            LongAccumulator maxBuffered = sampleMax(fixture.proxy, MirrorReport::bufferedBytes);

            AtomicLong answered = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> posters = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(6);
            for (int i = 0; i < 6; i++) {
                Thread poster = new Thread(() -> post(fixture.port(), 12 * 1024, running, answered, failed, done));
                poster.start();
                posters.add(poster);
            }
            await().atMost(WAIT).until(() -> answered.get() >= 1_500);
            running.set(false);
            assertThat(done.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            MirrorReport report = MirrorTest.settled(fixture.proxy);

            assertThat(failed).hasValue(0);
            assertThat(maxBuffered.get()).isPositive().isLessThanOrEqualTo((long) LOOPS * BOUND * cap);
            assertThat(report.bufferedBytes()).isZero();
            assertThat(report.droppedBy().get("over-bound")).isPositive();
            assertThat(report.droppedBy().get("idle-slow")).isPositive();
            assertThat(fixture.blue().requests()).allSatisfy(seen -> assertThat(seen.bodyBytes()).isEqualTo(12 * 1024));
        }
    }

    @Test
    void anIdleColourKilledUnderLoad_failsNoLiveRequest() {
        try (ProxyFixture fixture = ProxyFixture.start(builder -> builder.eventLoopThreads(LOOPS)
                .mirror(MirrorSettings.percent(100)))) {
            HttpLoad.Summary summary;
            try (HttpLoad load = HttpLoad.start(fixture.port(), 8, "/")) {
                load.awaitResponses(500, WAIT);
                fixture.green().close();
                load.awaitResponses(load.responses() + 1_500, WAIT);
                summary = load.stop();
            }
            MirrorReport report = MirrorTest.settled(fixture.proxy);

            assertThat(summary.failures()).isZero();
            assertThat(summary.byBackend()).containsOnlyKeys("blue-1");
            assertThat(report.droppedBy().get("idle-down")).isPositive();
            assertThat(fixture.proxy.failedExchanges(Colour.BLUE)).isZero();
        }
    }

    @Test
    void anIdleBackendThatRefused_isLeftAlone_andTheMirrorsGoToTheOtherBackendOfThePool() {
        try (ProxyFixture fixture = ProxyFixture.start(1, 2, builder -> builder.eventLoopThreads(1)
                .mirror(MirrorSettings.percent(100)))) {
            fixture.green.get(0).close();
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                for (int i = 0; i < 20; i++) {
                    assertThat(client.get("/" + i).status()).isEqualTo(200);
                    // One at a time: the next mirror is picked once this one's outcome is known.
                    MirrorTest.settled(fixture.proxy);
                }
            }
            MirrorReport report = MirrorTest.settled(fixture.proxy);

            // Without the pause, round robin would send every other mirror to the dead backend: 10 drops. With it, one
            // (or two, should the 20 requests take longer than the pause on a busy machine).
            assertThat(report.droppedBy().get("idle-down")).isBetween(1L, 2L);
            assertThat(report.matched() + report.mismatched()).isEqualTo(20 - report.dropped());
            assertThat(fixture.green.get(1).requestCount()).isEqualTo(20 - report.dropped());
        }
    }

    @Test
    void aBodyOverTheCap_isDroppedAsTooLarge_andTheLiveRequestGoesThroughWhole() {
        try (ProxyFixture fixture = ProxyFixture.start(builder -> builder
                .mirror(MirrorSettings.percent(100).withMethods(List.of("POST")).withMaxBodySize(1024)))) {
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                client.request("POST", "/upload", Map.of("Content-Length", "4096")).sendPattern(4096);
                RawResponse response = client.readResponse();
                assertThat(response.status()).isEqualTo(200);
                client.request("POST", "/upload", Map.of("Content-Length", "512")).sendPattern(512);
                assertThat(client.readResponse().status()).isEqualTo(200);
            }
            MirrorReport report = MirrorTest.settled(fixture.proxy);

            assertThat(report.droppedBy()).containsEntry("body-too-large", 1L);
            assertThat(report.mirrored()).isEqualTo(1);
            assertThat(fixture.blue().requests()).extracting(seen -> seen.bodyBytes()).containsExactly(4096L, 512L);
            assertThat(fixture.green().requests()).singleElement().satisfies(seen -> {
                assertThat(seen.bodyBytes()).isEqualTo(512);
                assertThat(seen.header("Content-Length")).isEqualTo("512");
            });
        }
    }

    /** Posts bodies of {@code size} pattern bytes on one keep-alive connection until {@code running} turns false. */
    private static void post(int port, int size, AtomicBoolean running, AtomicLong answered, AtomicLong failed,
                             CountDownLatch done) {
        try (RawHttpClient client = RawHttpClient.connect(port)) {
            while (running.get()) {
                client.request("POST", "/upload", Map.of("Content-Length", String.valueOf(size))).sendPattern(size);
                RawResponse response = client.readResponse();
                (response.status() == 200 ? answered : failed).incrementAndGet();
            }
        } catch (RuntimeException e) {
            failed.incrementAndGet();
        } finally {
            done.countDown();
        }
    }

    private LongAccumulator sampleMax(BlueGreenProxy proxy, java.util.function.ToLongFunction<MirrorReport> figure) {
        LongAccumulator max = new LongAccumulator(Math::max, 0);
        sampler.scheduleAtFixedRate(() -> proxy.mirror().ifPresent(report -> max.accumulate(figure.applyAsLong(report))),
                0, 2, TimeUnit.MILLISECONDS);
        return max;
    }
}
