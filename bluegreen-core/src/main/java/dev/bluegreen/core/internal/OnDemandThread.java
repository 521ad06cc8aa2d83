package dev.bluegreen.core.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * An executor of one daemon thread that is started when a task comes and ends after ten idle seconds: for work that is
 * rare (a change, a refusal written to a file) and must not run on its caller's thread, without a thread that lives
 * as long as the object does. Tasks run one at a time, in order.
 */
public final class OnDemandThread {

    private static final long IDLE_SECONDS = 10;

    private OnDemandThread() {
    }

    /**
     * A new executor.
     *
     * @param name the thread's name
     * @return the executor; shut it down with its owner
     */
    public static ExecutorService named(String name) {
        return new ThreadPoolExecutor(0, 1, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
