package dev.bluegreen.examples;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a started service in the foreground of a command: prints what to try, then blocks the calling thread until
 * the JVM is asked to exit (Ctrl-C, SIGTERM), when a shutdown hook stops the service gracefully.
 *
 * <p>The services' threads are daemons, so this blocked thread is what keeps the JVM alive.
 */
final class Foreground {

    private static final Logger log = LoggerFactory.getLogger(Foreground.class);

    /** A bound on the wait in the shutdown hook; the services' own grace periods are shorter. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);

    private Foreground() {
    }

    /**
     * Prints {@code lines}, installs the shutdown hook and blocks until the hook has run.
     *
     * @param what the service's name in log lines
     * @param lines what to print for the user
     * @param out where to print them
     * @param stop stops the service
     * @return the exit code, 0 (the JVM, exiting on a signal, exits with the signal's own, 130 or 143)
     */
    static int runUntilShutdown(String what, List<String> lines, PrintWriter out,
                                Supplier<CompletableFuture<Void>> stop) {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        Thread hook = new Thread(() -> {
            log.info("stopping the {}", what);
            try {
                stop.get().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                log.warn("the {} did not stop within {} s; exiting anyway", what, STOP_TIMEOUT.toSeconds());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.warn("the {} did not stop cleanly: {}", what, Futures.unwrap(e).toString());
            } finally {
                stopped.complete(null);
            }
        }, "bluegreen-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        lines.forEach(out::println);
        out.flush();
        stopped.join();
        return 0;
    }
}
