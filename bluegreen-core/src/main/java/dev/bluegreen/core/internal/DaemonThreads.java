package dev.bluegreen.core.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The library's own background threads: daemon threads, so that none of them keeps an application's JVM alive
 * after its main thread ends, each named for what it does, as a thread dump shows it.
 *
 * <p>Stateless; safe to use from any thread.
 */
public final class DaemonThreads {

    /** How long an {@link #onDemand} executor's thread waits for another task before it ends. */
    private static final long IDLE_SECONDS = 10;

    private DaemonThreads() {
    }

    /**
     * An executor of one daemon thread that is started when a task comes and ends after ten idle seconds: for work
     * that is rare (a change, a refusal written to a file) and must not run on its caller's thread, without a thread
     * that lives as long as the object does. Tasks run one at a time, in order.
     *
     * @param name the thread's name
     * @return the executor; shut it down with its owner
     */
    public static ExecutorService onDemand(String name) {
        return new ThreadPoolExecutor(0, 1, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), named(name));
    }

    /**
     * A factory of daemon threads, each named {@code name}; for an executor's threads.
     *
     * @param name the threads' name
     * @return the factory
     */
    public static ThreadFactory named(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Runs {@code task} on a new daemon thread of its own, named {@code name}, which ends with the task: for a rare
     * hand-off that must leave its caller's thread (an event loop, a thread that must not wait on what it starts)
     * and must not queue behind another such task, as it would on a shared executor.
     *
     * @param name the thread's name
     * @param task what it runs
     */
    public static void start(String name, Runnable task) {
        named(name).newThread(task).start();
    }
}
