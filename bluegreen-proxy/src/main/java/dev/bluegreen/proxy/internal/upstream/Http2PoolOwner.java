package dev.bluegreen.proxy.internal.upstream;

import dev.bluegreen.proxy.BackendProtocols;
import io.netty.channel.EventLoop;

/** What an {@link Http2BackendPool} needs of the loop's {@link Http2Upstreams}, beyond what any pool needs. */
interface Http2PoolOwner extends PoolOwner {

    /** The loop every connection of the pool lives on. */
    EventLoop eventLoop();

    /** How many connections per backend, and streams per connection, at most. */
    BackendProtocols limits();

    /** How long a request may wait for a stream (and a new connection for its SETTINGS). */
    long streamWaitNanos();
}
