package dev.bluegreen.proxy.internal.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.watch.AutoRollback;
import dev.bluegreen.proxy.watch.WatchEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * A {@link Watcher} over a real in-memory admin object, with statistics the test fills with synthetic exchanges and
 * a clock the test moves. The watch's thread is the test's: changes and the completions of the admin's async verbs
 * (which complete on a pool thread) are queued, and the test runs them with {@link #runTasks()} or waits for them
 * with {@link #runUntil}.
 */
final class WatchHarness implements AutoCloseable {

    static final Duration FAST = Duration.ofMillis(5);

    final ManualClock clock = new ManualClock();
    final WatchStatistics statistics = new WatchStatistics();
    final List<WatchEvent> events = new CopyOnWriteArrayList<>();
    final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    final BlueGreen admin;
    final Watcher watcher;

    WatchHarness(UnaryOperator<AutoRollback.Builder> rules) {
        admin = BlueGreen.builder()
                .blue("v1", Backend.of("127.0.0.1", 9001))
                .green("v2", Backend.of("127.0.0.1", 9002))
                .clock(clock)
                .build();
        AutoRollback settings = rules.apply(AutoRollback.builder().clock(clock).listener(events::add)).build();
        watcher = new Watcher(admin, settings, statistics, tasks::add);
        admin.addListener(change -> tasks.add(() -> watcher.onChange(change)));
    }

    /** Switches, and lets the watch hear of it before any more traffic is recorded. */
    long switchTo(Colour colour) {
        long generation = admin.switchTo(colour).generation();
        runTasks();
        return generation;
    }

    /** Records exchanges on {@code colour}: the first {@code errors} of them 500s, the others 200s. */
    void traffic(Colour colour, int requests, int errors, Duration latency) {
        for (int i = 0; i < requests; i++) {
            statistics.exchangeEnded(colour, i < errors ? 500 : 200, false, latency.toNanos(), 0, 10);
        }
    }

    /** Runs what is queued, then moves the clock one second at a time, ticking and running what is queued. */
    void elapse(Duration duration) {
        runTasks();
        for (long s = 0; s < duration.toSeconds(); s++) {
            clock.advance(Duration.ofSeconds(1));
            watcher.tick();
            runTasks();
        }
    }

    void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    /** Runs the watch's tasks as they come until {@code done}; each must come within 10 s. */
    void runUntil(BooleanSupplier done) {
        runTasks();
        while (!done.getAsBoolean()) {
            Runnable task;
            try {
                task = tasks.poll(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            assertThat(task).as("a task of the watch within 10 s").isNotNull();
            task.run();
        }
        runTasks();
    }

    void runUntilEvent(WatchEvent.Kind kind) {
        runUntil(() -> kinds().contains(kind));
    }

    List<WatchEvent.Kind> kinds() {
        return events.stream().map(WatchEvent::kind).toList();
    }

    WatchEvent event(WatchEvent.Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).findFirst().orElseThrow();
    }

    Change lastChange() {
        List<Change> history = admin.history();
        return history.get(history.size() - 1);
    }

    @Override
    public void close() {
        watcher.stop();
        admin.close();
    }
}
