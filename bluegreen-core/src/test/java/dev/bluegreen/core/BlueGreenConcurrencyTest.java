package dev.bluegreen.core;

import static dev.bluegreen.core.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.ChangeRefusedException.Refusal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many writers and readers at once: no lost update, readers never go back, listeners hear everything once. */
class BlueGreenConcurrencyTest {

    private static final int WRITERS = 8;
    private static final int READERS = 4;
    private static final int CHANGES_PER_WRITER = 2_000;

    private final ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);

    @AfterEach
    void shutdown() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void racingWritersAndReaders_loseNoUpdateAndSeeEveryGenerationInOrder() throws Exception {
        Queue<Change> heard = new ConcurrentLinkedQueue<>();
        AtomicInteger listenersInside = new AtomicInteger();
        AtomicBoolean listenerOverlapped = new AtomicBoolean();
        ChangeListener listener = change -> {
            if (listenersInside.incrementAndGet() != 1) {
                listenerOverlapped.set(true);
            }
            heard.add(change);
            listenersInside.decrementAndGet();
        };
        BlueGreen blueGreen = Fixtures.bothPools(new MutableClock(T0)).listener(listener).build();
        // One change before the race, so the final generation is 1 + the changes the writers made.
        blueGreen.deploy(Colour.GREEN, "v2.1", List.of(Fixtures.GREEN_1, Fixtures.GREEN_2));

        LongAdder applied = new LongAdder();
        Map<Refusal, LongAdder> refusals = new ConcurrentHashMap<>();
        Map<Long, RoutingSnapshot> seenByGeneration = new ConcurrentHashMap<>();
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicBoolean writersDone = new AtomicBoolean();
        CountDownLatch ready = new CountDownLatch(WRITERS + READERS);
        CountDownLatch go = new CountDownLatch(1);

        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            writers.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < CHANGES_PER_WRITER; i++) {
                    RoutingSnapshot read = blueGreen.snapshot();
                    long generation = read.generation();
                    try {
                        RoutingSnapshot next;
                        switch (random.nextInt(3)) {
                            case 0:
                                next = blueGreen.switchTo(read.idle(), generation);
                                break;
                            case 1:
                                next = blueGreen.promote(generation);
                                break;
                            default:
                                next = blueGreen.rollback(generation);
                                break;
                        }
                        applied.increment();
                        if (next.generation() != generation + 1) {
                            problems.add("applied generation " + next.generation() + " from " + generation);
                        }
                    } catch (ChangeRefusedException e) {
                        refusals.computeIfAbsent(e.refusal(), r -> new LongAdder()).increment();
                    }
                }
                return null;
            }));
        }
        List<Future<Long>> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            readers.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                long reads = 0;
                long last = -1;
                while (!writersDone.get()) {
                    RoutingSnapshot snapshot = blueGreen.snapshot();
                    reads++;
                    if (snapshot.generation() < last) {
                        problems.add("generation went back from " + last + " to " + snapshot.generation());
                    }
                    last = snapshot.generation();
                    String inconsistency = inconsistency(snapshot);
                    if (inconsistency != null) {
                        problems.add(inconsistency);
                    }
                    RoutingSnapshot earlier = seenByGeneration.putIfAbsent(snapshot.generation(), snapshot);
                    if (earlier != null && earlier != snapshot) {
                        problems.add("two snapshots for generation " + snapshot.generation());
                    }
                }
                return reads;
            }));
        }

        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        go.countDown();
        for (Future<?> writer : writers) {
            writer.get(30, TimeUnit.SECONDS);
        }
        writersDone.set(true);
        for (Future<Long> reader : readers) {
            assertThat(reader.get(10, TimeUnit.SECONDS)).isPositive();
        }

        assertThat(problems).isEmpty();
        assertThat(refusals.keySet()).isSubsetOf(Refusal.STALE_GENERATION, Refusal.NO_ROLLBACK_TARGET);
        assertThat(applied.sum()).isPositive();
        long finalGeneration = blueGreen.snapshot().generation();
        assertThat(finalGeneration).isEqualTo(1 + applied.sum());

        // Every writer has returned, so every change has been delivered.
        assertThat(listenerOverlapped).isFalse();
        List<Change> changes = new ArrayList<>(heard);
        assertThat(changes).hasSize((int) finalGeneration);
        for (int i = 0; i < changes.size(); i++) {
            Change change = changes.get(i);
            assertThat(change.generation()).isEqualTo(i + 1L);
            assertThat(change.previous().generation()).isEqualTo(i);
            RoutingSnapshot seen = seenByGeneration.get(change.generation());
            if (seen != null) {
                assertThat(seen).isSameAs(change.current());
            }
        }
        assertThat(changes.get(changes.size() - 1).current()).isSameAs(blueGreen.snapshot());
        List<Change> history = blueGreen.history();
        assertThat(history).hasSize(BlueGreen.DEFAULT_HISTORY_SIZE);
        assertThat(history.get(history.size() - 1).generation()).isEqualTo(finalGeneration);
        blueGreen.close();
    }

    @Test
    void twoAdminsWithTheSameExpectedGeneration_exactlyOneWins() throws Exception {
        InMemoryRoutingStore shared = InMemoryRoutingStore.create(RoutingSnapshot.initial(Colour.BLUE,
                Environment.of(Colour.BLUE, "v1", List.of(Fixtures.BLUE_1)),
                Environment.of(Colour.GREEN, "v2", List.of(Fixtures.GREEN_1)), T0));
        Queue<Long> heardByFirst = new ConcurrentLinkedQueue<>();
        Queue<Long> heardBySecond = new ConcurrentLinkedQueue<>();
        BlueGreen first = BlueGreen.builder().store(initial -> shared)
                .listener(change -> heardByFirst.add(change.generation())).build();
        BlueGreen second = BlueGreen.builder().store(initial -> shared)
                .listener(change -> heardBySecond.add(change.generation())).build();
        int rounds = 200;

        for (int round = 0; round < rounds; round++) {
            RoutingSnapshot read = first.snapshot();
            CountDownLatch go = new CountDownLatch(1);
            Future<Refusal> a = pool.submit(() -> attempt(first, read, go));
            Future<Refusal> b = pool.submit(() -> attempt(second, read, go));
            go.countDown();

            List<Refusal> outcomes = Arrays.asList(a.get(10, TimeUnit.SECONDS), b.get(10, TimeUnit.SECONDS));
            assertThat(outcomes).as("round %d", round).containsExactlyInAnyOrder(null, Refusal.STALE_GENERATION);
            assertThat(shared.current().generation()).isEqualTo(read.generation() + 1);
        }

        List<Long> everyGeneration = LongStream.rangeClosed(1, rounds).boxed().collect(Collectors.toList());
        assertThat(heardByFirst).containsExactlyElementsOf(everyGeneration);
        assertThat(heardBySecond).containsExactlyElementsOf(everyGeneration);
        first.close();
        second.close();
    }

    @Test
    void refusalsFromRacingWriters_areAllRecordedAndHeardOnce() throws Exception {
        int attemptsPerWriter = 500;
        Queue<RefusedChange> heard = new ConcurrentLinkedQueue<>();
        ChangeListener listener = new ChangeListener() {
            @Override
            public void onChange(Change change) {
            }

            @Override
            public void onRefused(RefusedChange refused) {
                heard.add(refused);
            }
        };
        BlueGreen blueGreen = Fixtures.bothPools(new MutableClock(T0)).historySize(BlueGreen.MAX_HISTORY_SIZE)
                .listener(listener).build();
        CountDownLatch ready = new CountDownLatch(WRITERS);
        CountDownLatch go = new CountDownLatch(1);

        List<Future<WriterOutcome>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            String actor = "writer-" + w;
            BlueGreen.Attributed verbs = blueGreen.as(actor, "race " + w);
            writers.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long applied = 0;
                Map<Refusal, Long> refused = new EnumMap<>(Refusal.class);
                for (int i = 0; i < attemptsPerWriter; i++) {
                    RoutingSnapshot read = blueGreen.snapshot();
                    try {
                        switch (random.nextInt(3)) {
                            case 0:
                                verbs.switchTo(read.idle(), read.generation());
                                break;
                            case 1:
                                verbs.promote(read.generation());
                                break;
                            default:
                                verbs.rollback(read.generation());
                                break;
                        }
                        applied++;
                    } catch (ChangeRefusedException e) {
                        refused.merge(e.refusal(), 1L, Long::sum);
                    }
                }
                return new WriterOutcome(actor, applied, refused);
            }));
        }
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        go.countDown();
        List<WriterOutcome> outcomes = new ArrayList<>();
        for (Future<WriterOutcome> writer : writers) {
            outcomes.add(writer.get(30, TimeUnit.SECONDS));
        }

        long applied = outcomes.stream().mapToLong(WriterOutcome::applied).sum();
        long refused = outcomes.stream().mapToLong(o -> o.refused().values().stream().mapToLong(n -> n).sum()).sum();
        assertThat(applied + refused).isEqualTo((long) WRITERS * attemptsPerWriter);
        assertThat(refused).isPositive();
        assertThat(blueGreen.snapshot().generation()).isEqualTo(applied);
        List<RefusedChange> recorded = blueGreen.refusals();
        assertThat(recorded).hasSize((int) refused);
        assertThat(heard).containsExactlyInAnyOrderElementsOf(recorded);
        // Each writer's refusals are recorded under its own name, as many of each kind as it was refused.
        Map<String, Map<Refusal, Long>> recordedByActor = new HashMap<>();
        for (RefusedChange change : recorded) {
            assertThat(change.reason()).isEqualTo("race " + change.actor().substring("writer-".length()));
            recordedByActor.computeIfAbsent(change.actor(), a -> new EnumMap<>(Refusal.class))
                    .merge(change.refusal(), 1L, Long::sum);
        }
        for (WriterOutcome outcome : outcomes) {
            assertThat(recordedByActor.getOrDefault(outcome.actor(), Map.of())).as(outcome.actor())
                    .isEqualTo(outcome.refused());
        }
        blueGreen.close();
    }

    /** What one racing writer did: how many of its attempts applied, and how many were refused, by rule. */
    private record WriterOutcome(String actor, long applied, Map<Refusal, Long> refused) {
    }

    /** Switches to the idle colour expecting {@code read}'s generation; null if applied, else the refusal. */
    private static Refusal attempt(BlueGreen admin, RoutingSnapshot read, CountDownLatch go)
            throws InterruptedException {
        go.await();
        try {
            admin.switchTo(read.idle(), read.generation());
            return null;
        } catch (ChangeRefusedException e) {
            return e.refusal();
        }
    }

    /** What is wrong with a snapshot produced by the verbs in this test, or null if nothing. */
    private static String inconsistency(RoutingSnapshot snapshot) {
        if (snapshot.blue().colour() != Colour.BLUE || snapshot.green().colour() != Colour.GREEN) {
            return "pools of the wrong colour at generation " + snapshot.generation();
        }
        if (snapshot.rollbackTarget() == snapshot.live()) {
            return "rollback target is live at generation " + snapshot.generation();
        }
        switch (snapshot.lastChange()) {
            case SWITCH:
            case PROMOTE:
                if (snapshot.rollbackTarget() != snapshot.idle()
                        || !snapshot.reason().endsWith("-> " + snapshot.live())) {
                    return "inconsistent " + snapshot;
                }
                return null;
            case ROLLBACK:
                if (snapshot.rollbackTarget() != null || !snapshot.reason().endsWith("-> " + snapshot.live())) {
                    return "inconsistent " + snapshot;
                }
                return null;
            case DEPLOY:
                return snapshot.generation() == 1 ? null : "unexpected deployment " + snapshot;
            default:
                return snapshot.generation() == 0 ? null : "unexpected initial " + snapshot;
        }
    }
}
