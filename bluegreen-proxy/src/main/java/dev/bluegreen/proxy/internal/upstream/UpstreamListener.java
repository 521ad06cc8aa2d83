package dev.bluegreen.proxy.internal.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpObject;

/** What an {@link Upstream} tells the exchange it is attached to. Called on the connection's event loop. */
public interface UpstreamListener {

    /** A response message (head, body piece or end); the listener owns it and must release it. */
    void onUpstreamMessage(HttpObject message);

    /**
     * Bytes from the backend once the connection is a tunnel; the listener owns them. Only a tunnel is attached to
     * such a connection, so by default they are released.
     */
    default void onUpstreamBytes(ByteBuf bytes) {
        bytes.release();
    }

    /** The backend's batch of reads is done: time to flush what was written to the client. */
    void onUpstreamReadComplete();

    /** The connection takes writes again after it did not. */
    void onUpstreamWritable();

    /** The connection closed under the exchange. */
    void onUpstreamClosed();

    /** The connection failed; it is closing and {@link #onUpstreamClosed()} follows. */
    void onUpstreamFailure(Throwable cause);
}
