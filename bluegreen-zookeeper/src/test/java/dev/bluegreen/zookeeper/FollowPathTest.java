package dev.bluegreen.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.ChangeListener;
import dev.bluegreen.core.Colour;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/**
 * How a follower applies the fleet's changes: a change is served as soon as it is read, before (and whatever) the
 * follower's listeners do with it, and the listeners still hear every change they can, in order.
 */
class FollowPathTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void aSlowListenerOnTheFollower_doesNotHoldUpTheNextChangeBeingServed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch listening = new CountDownLatch(1);
        List<Long> heard = new CopyOnWriteArrayList<>();
        ChangeListener slow = change -> {
            listening.countDown();
            heard.add(change.generation());
            try {
                // Holds the first delivery until the test has seen the follower serve the next change.
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (TestingServer server = Zk.server();
             Instance writer = Instance.start(server.getConnectString(), "/bluegreen/follow", "writer");
             Instance follower = Instance.start(server.getConnectString(), "/bluegreen/follow", "follower",
                     builder -> builder.listener(slow))) {
            writer.admin.switchTo(Colour.GREEN);
            assertThat(listening.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

            long second = writer.admin.rollback().generation();

            await().atMost(WAIT).until(() -> follower.generation() == second);
            assertThat(follower.snapshot().live()).isEqualTo(Colour.BLUE);
            assertThat(heard).containsExactly(1L);
            release.countDown();
            await().atMost(WAIT).untilAsserted(() -> assertThat(heard).containsExactly(1L, 2L));
        } finally {
            release.countDown();
        }
    }

    @Test
    void aFollower_servesEachChangeOfABurst_andEndsAtTheLast() throws Exception {
        try (TestingServer server = Zk.server();
             Instance writer = Instance.start(server.getConnectString(), "/bluegreen/burst", "writer");
             Instance follower = Instance.start(server.getConnectString(), "/bluegreen/burst", "follower")) {
            long last = 0;
            for (int i = 0; i < 30; i++) {
                last = writer.admin.switchTo(writer.snapshot().idle()).generation();
            }
            long expected = last;

            await().atMost(WAIT).until(() -> follower.generation() == expected);
            assertThat(follower.snapshot()).isEqualTo(writer.snapshot());
            // Generations replaced before the follower read them may be skipped; the ones heard come in order.
            List<Long> heard = follower.heard.stream().map(change -> change.generation()).toList();
            assertThat(heard).isSorted().doesNotHaveDuplicates().endsWith(expected);
        }
    }
}
