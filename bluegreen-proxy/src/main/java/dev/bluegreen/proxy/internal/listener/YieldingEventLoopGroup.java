package dev.bluegreen.proxy.internal.listener;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * Event loops that give up their core for a moment ({@link Thread#yield()}, {@code sched_yield} on Linux) after every
 * round of I/O that handled something, before they run their tasks and look for more.
 *
 * <p>Why: a busy loop that always finds more completions keeps its core for milliseconds at a time, and the processes
 * it works with (the clients, the backends, when they share the proxy's cores) wait for it, then answer in bursts. On
 * a 2-core machine shared with the load generator and the backend, Linux's scheduler let Netty's plain loops run for
 * 0.15 ms at a median and up to 4.6 ms, where HAProxy's threads ran for 0.02 ms at a median ({@code perf sched
 * timehist}); yielding after each round gives the others their turn sooner. When nothing else wants the core, the
 * yield is one system call that returns at once (measured: the same CPU per request on a core of its own). Beside
 * processes that keep the cores busy, the p99 was the same as without the yield or lower. Hence on by default (see
 * {@code BlueGreenProxyBuilder#yieldAfterIo}).
 */
final class YieldingEventLoopGroup extends MultiThreadIoEventLoopGroup {

    /**
     * @param giveUpCore what a loop runs to give up its core: {@link Thread#yield()}, or a counter in tests
     */
    YieldingEventLoopGroup(int threads, ThreadFactory threadFactory, IoHandlerFactory factory, Runnable giveUpCore) {
        // The super constructor creates the loops (newChild) before a field of this class could be set: what the
        // loops run goes to them as newChild's argument.
        super(threads, threadFactory, factory, giveUpCore);
    }

    @Override
    protected IoEventLoop newChild(Executor executor, IoHandlerFactory factory, Object... args) {
        return new YieldingEventLoop(this, executor, factory, (Runnable) args[0]);
    }

    /** One loop: Netty's, with the yield after a round of I/O that handled at least one completion or event. */
    private static final class YieldingEventLoop extends SingleThreadIoEventLoop {

        private final Runnable giveUpCore;

        YieldingEventLoop(YieldingEventLoopGroup parent, Executor executor, IoHandlerFactory factory,
                Runnable giveUpCore) {
            super(parent, executor, factory);
            this.giveUpCore = giveUpCore;
        }

        @Override
        protected int runIo() {
            int handled = super.runIo();
            if (handled > 0) {
                giveUpCore.run();
            }
            return handled;
        }
    }
}
