package dev.bluegreen.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {

    @Test
    void start_runsTheTaskOnANewNamedDaemonThread() throws Exception {
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();

        DaemonThreads.start("bluegreen-test-hand-off", () -> ranOn.complete(Thread.currentThread()));

        Thread thread = ranOn.get(10, TimeUnit.SECONDS);
        assertThat(thread).isNotSameAs(Thread.currentThread());
        assertThat(thread.getName()).isEqualTo("bluegreen-test-hand-off");
        assertThat(thread.isDaemon()).isTrue();
    }

    @Test
    void onDemand_runsTasksInOrderOnOneNamedDaemonThread() throws Exception {
        ExecutorService executor = DaemonThreads.onDemand("bluegreen-test-on-demand");
        try {
            Thread first = executor.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
            Thread second = executor.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);

            assertThat(first.getName()).isEqualTo("bluegreen-test-on-demand");
            assertThat(first.isDaemon()).isTrue();
            assertThat(second).isSameAs(first);
        } finally {
            executor.shutdown();
        }
    }
}
