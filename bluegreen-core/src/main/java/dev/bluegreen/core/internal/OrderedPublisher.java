package dev.bluegreen.core.internal;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers items numbered by generation to subscribers in generation order, one at a time, whatever order and
 * whatever threads they are published from.
 *
 * <p>Writers that win a compare-and-set publish their item afterwards, so items can arrive out of order (the
 * winner of generation 5 may be descheduled while the winner of 6 publishes). Published items wait in a
 * {@link ConcurrentSkipListMap} keyed by generation. A work-in-progress counter lets exactly one thread drain at
 * a time: the thread that moves it from zero drains, every other publisher only increments it, which makes the
 * drainer loop once more. No thread ever blocks, and a subscriber that publishes (a listener making a change)
 * has its item delivered after the current one instead of recursively.
 *
 * <p>Two modes:
 * <ul>
 *   <li>{@link #gapFree gap-free}: delivers only generation {@code last + 1}; a later one waits until the missing
 *       one is published. For a store whose writers publish every generation they apply.</li>
 *   <li>{@link #allowingGaps allowing gaps}: delivers anything newer than the last delivered generation. For a
 *       distributed store that learns of new states by notification and may never see some generations.</li>
 * </ul>
 * In both modes an item whose generation was already delivered, or passed over, is dropped.
 *
 * <p>Thread-safe. A subscriber that throws is logged at WARN and the others still run; a
 * {@link VirtualMachineError} is rethrown because the JVM can't be trusted to continue.
 *
 * @param <T> the item type
 */
public final class OrderedPublisher<T> {

    private static final Logger log = LoggerFactory.getLogger(OrderedPublisher.class);

    private final ToLongFunction<? super T> generationOf;
    private final boolean allowGaps;
    private final ConcurrentSkipListMap<Long, T> pending = new ConcurrentSkipListMap<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final List<Consumer<? super T>> subscribers = new CopyOnWriteArrayList<>();
    /*
     * Written only by the draining thread; volatile so publish() can drop stale items without entering the
     * drain loop. Hand-offs between successive draining threads are ordered by the wip counter.
     */
    private volatile long lastDelivered;

    private OrderedPublisher(ToLongFunction<? super T> generationOf, long lastDelivered, boolean allowGaps) {
        this.generationOf = requireNonNull(generationOf, "generationOf");
        this.lastDelivered = lastDelivered;
        this.allowGaps = allowGaps;
    }

    /**
     * A publisher that delivers every generation after {@code lastDelivered}, one by one, without gaps.
     *
     * @param generationOf reads an item's generation
     * @param lastDelivered the generation considered already delivered; the first item delivered is the next one
     * @param <T> the item type
     * @return the publisher
     * @throws NullPointerException if {@code generationOf} is {@code null}
     */
    public static <T> OrderedPublisher<T> gapFree(ToLongFunction<? super T> generationOf, long lastDelivered) {
        return new OrderedPublisher<>(generationOf, lastDelivered, false);
    }

    /**
     * A publisher that delivers any item newer than the last delivered one, skipping missing generations.
     *
     * @param generationOf reads an item's generation
     * @param lastDelivered the generation considered already delivered
     * @param <T> the item type
     * @return the publisher
     * @throws NullPointerException if {@code generationOf} is {@code null}
     */
    public static <T> OrderedPublisher<T> allowingGaps(ToLongFunction<? super T> generationOf, long lastDelivered) {
        return new OrderedPublisher<>(generationOf, lastDelivered, true);
    }

    /**
     * Adds a subscriber for items delivered from now on.
     *
     * @param subscriber the subscriber
     * @throws NullPointerException if {@code subscriber} is {@code null}
     */
    public void subscribe(Consumer<? super T> subscriber) {
        subscribers.add(requireNonNull(subscriber, "subscriber"));
    }

    /**
     * Removes every subscriber; items published afterwards are dropped on delivery.
     */
    public void clearSubscribers() {
        subscribers.clear();
    }

    /**
     * The generation of the last item delivered (or passed over), or the starting generation.
     *
     * @return the last delivered generation
     */
    public long lastDelivered() {
        return lastDelivered;
    }

    /**
     * Queues an item and delivers what is ready. The calling thread may deliver this item and others before
     * returning, or return at once while another thread delivers them. Once every thread that published has
     * returned from this method, every deliverable item has been delivered.
     *
     * @param item the item
     * @throws NullPointerException if {@code item} is {@code null}
     */
    public void publish(T item) {
        requireNonNull(item, "item");
        long generation = generationOf.applyAsLong(item);
        if (generation <= lastDelivered) {
            return;
        }
        // putIfAbsent: the first item published for a generation is the one that was applied.
        pending.putIfAbsent(generation, item);
        drain();
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            deliverReady();
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void deliverReady() {
        for (;;) {
            Map.Entry<Long, T> first = pending.firstEntry();
            if (first == null) {
                return;
            }
            long generation = first.getKey();
            long last = lastDelivered;
            if (generation <= last) {
                pending.remove(generation);
                continue;
            }
            if (!allowGaps && generation != last + 1) {
                // The missing generation's publisher has not got here yet; it will drain on arrival.
                return;
            }
            pending.remove(generation);
            lastDelivered = generation;
            deliver(first.getValue(), generation);
        }
    }

    private void deliver(T item, long generation) {
        for (Consumer<? super T> subscriber : subscribers) {
            try {
                subscriber.accept(item);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (RuntimeException | Error e) {
                log.warn("subscriber {} failed on generation {}; delivering to the others", subscriber, generation, e);
            }
        }
    }
}
