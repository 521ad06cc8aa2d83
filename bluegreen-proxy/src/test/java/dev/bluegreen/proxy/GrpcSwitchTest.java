package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.GrpcTestServer;
import io.grpc.CallOptions;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * gRPC through the proxy to real gRPC servers (h2c) while it switches every few milliseconds: no call fails, each
 * call stays on the colour it started on, and both colours serve.
 */
class GrpcSwitchTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final int CALLERS = 4;
    private static final int STREAMS = 3;
    private static final int MESSAGES = 30;
    private static final Duration INTERVAL = Duration.ofMillis(100);

    @Test
    void unaryAndStreamingCalls_whileSwitchingEveryFewMilliseconds_neverFail_andEachStreamStaysOnItsColour()
            throws Exception {
        try (GrpcFixture fixture = GrpcFixture.start(proxy -> proxy)) {
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            Set<String> unaryServedBy = ConcurrentHashMap.newKeySet();
            AtomicInteger unaryCalls = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService threads = Executors.newFixedThreadPool(CALLERS + STREAMS);
            try {
                List<Future<?>> callers = new ArrayList<>();
                for (int i = 0; i < CALLERS; i++) {
                    callers.add(threads.submit(() -> {
                        go.await();
                        while (!stop.get()) {
                            try {
                                unaryServedBy.add(GrpcTestServer.which(fixture.channel, DEADLINE));
                                unaryCalls.incrementAndGet();
                            } catch (RuntimeException failed) {
                                failures.add(failed);
                            }
                        }
                        return null;
                    }));
                }
                List<Future<List<String>>> streams = new ArrayList<>();
                for (int i = 0; i < STREAMS; i++) {
                    int index = i;
                    streams.add(threads.submit(() -> {
                        go.await();
                        // Staggered, so the streams start at different points of the switching.
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(150L * index));
                        List<String> received = new ArrayList<>();
                        Iterator<byte[]> messages = ClientCalls.blockingServerStreamingCall(fixture.channel,
                                GrpcTestServer.COUNT, CallOptions.DEFAULT.withDeadlineAfter(
                                        DEADLINE.toMillis(), TimeUnit.MILLISECONDS),
                                GrpcTestServer.countRequest(MESSAGES, INTERVAL));
                        messages.forEachRemaining(message -> received.add(GrpcTestServer.text(message)));
                        return received;
                    }));
                }
                go.countDown();
                int switches = 0;
                while (!streams.stream().allMatch(Future::isDone)) {
                    Colour live = fixture.admin.snapshot().live();
                    fixture.admin.switchTo(live.other());
                    switches++;
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                stop.set(true);
                for (Future<?> caller : callers) {
                    caller.get(30, TimeUnit.SECONDS);
                }
                Set<String> streamColours = ConcurrentHashMap.newKeySet();
                for (Future<List<String>> stream : streams) {
                    List<String> received = stream.get(30, TimeUnit.SECONDS);
                    assertThat(received).as("a stream gets every message").hasSize(MESSAGES);
                    assertThat(Set.copyOf(received)).as("a stream stays on the colour it started on").hasSize(1);
                    streamColours.add(received.get(0));
                }
                assertThat(failures).as("failed calls").isEmpty();
                assertThat(switches).as("switches made").isGreaterThan(100);
                assertThat(unaryCalls.get()).as("unary calls made").isGreaterThan(20);
                assertThat(unaryServedBy).as("both colours served").containsExactlyInAnyOrder("blue-1", "green-1");
                assertThat(streamColours).isSubsetOf("blue-1", "green-1");
            } finally {
                stop.set(true);
                threads.shutdownNow();
            }
        }
    }
}
