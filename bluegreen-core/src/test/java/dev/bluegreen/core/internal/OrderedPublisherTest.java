package dev.bluegreen.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class OrderedPublisherTest {

    private final List<Long> delivered = new ArrayList<>();

    @Test
    void gapFree_holdsLaterGenerationsUntilTheMissingOneArrives() {
        OrderedPublisher<Long> publisher = OrderedPublisher.gapFree(Long::longValue, 0);
        publisher.subscribe(delivered::add);

        publisher.publish(3L);
        publisher.publish(2L);
        assertThat(delivered).isEmpty();

        publisher.publish(1L);
        assertThat(delivered).containsExactly(1L, 2L, 3L);
        assertThat(publisher.lastDelivered()).isEqualTo(3);
    }

    @Test
    void gapFree_dropsAlreadyDeliveredGenerations() {
        OrderedPublisher<Long> publisher = OrderedPublisher.gapFree(Long::longValue, 5);
        publisher.subscribe(delivered::add);

        publisher.publish(5L);
        publisher.publish(4L);
        publisher.publish(6L);
        publisher.publish(6L);

        assertThat(delivered).containsExactly(6L);
    }

    @Test
    void allowingGaps_deliversAnythingNewerAndDropsOlder() {
        OrderedPublisher<Long> publisher = OrderedPublisher.allowingGaps(Long::longValue, 0);
        publisher.subscribe(delivered::add);

        publisher.publish(3L);
        publisher.publish(2L);
        publisher.publish(7L);
        publisher.publish(7L);

        assertThat(delivered).containsExactly(3L, 7L);
    }

    @Test
    void subscriberThatPublishes_getsItsItemAfterTheCurrentOne() {
        OrderedPublisher<Long> publisher = OrderedPublisher.gapFree(Long::longValue, 0);
        List<String> events = new ArrayList<>();
        publisher.subscribe(generation -> {
            events.add("enter " + generation);
            if (generation < 3) {
                publisher.publish(generation + 1);
            }
            events.add("exit " + generation);
        });

        publisher.publish(1L);

        assertThat(events).containsExactly("enter 1", "exit 1", "enter 2", "exit 2", "enter 3", "exit 3");
    }

    @Test
    void throwingSubscriber_doesNotStopTheOthersNorLaterItems() {
        OrderedPublisher<Long> publisher = OrderedPublisher.gapFree(Long::longValue, 0);
        publisher.subscribe(generation -> {
            throw new IllegalStateException("subscriber bug");
        });
        publisher.subscribe(delivered::add);

        publisher.publish(1L);
        publisher.publish(2L);

        assertThat(delivered).containsExactly(1L, 2L);
    }

    @Test
    void gapFree_concurrentPublishersInAnyOrder_deliverEveryGenerationOnceInOrderNeverConcurrently()
            throws Exception {
        int threads = 8;
        int items = 20_000;
        OrderedPublisher<Long> publisher = OrderedPublisher.gapFree(Long::longValue, 0);
        Queue<Long> seen = new ConcurrentLinkedQueue<>();
        AtomicInteger inside = new AtomicInteger();
        AtomicBoolean overlapped = new AtomicBoolean();
        publisher.subscribe(generation -> {
            if (inside.incrementAndGet() != 1) {
                overlapped.set(true);
            }
            seen.add(generation);
            inside.decrementAndGet();
        });
        List<Long> generations = LongStream.rangeClosed(1, items).boxed().collect(Collectors.toList());
        Collections.shuffle(generations);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Long> share = generations.subList(t * items / threads, (t + 1) * items / threads);
                futures.add(pool.submit(() -> {
                    go.await();
                    share.forEach(publisher::publish);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : futures) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(overlapped).isFalse();
        assertThat(seen).containsExactlyElementsOf(LongStream.rangeClosed(1, items).boxed().collect(Collectors.toList()));
    }
}
