package dev.bluegreen.zookeeper.internal;

import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.core.internal.RoutingJson;
import java.nio.charset.StandardCharsets;

/**
 * The routing znode's content: a {@link RoutingSnapshot} in the one strict JSON form the stores share
 * ({@link RoutingJson}, format 1 or 2), compact UTF-8.
 *
 * <p>Stateless and thread-safe.
 */
public final class SnapshotCodec {

    /** The {@code format} of this module's other documents, and of a snapshot with no shift and no force. */
    public static final int FORMAT = RoutingJson.FORMAT;

    /** How every stored snapshot starts, whatever its format: compact JSON, {@code format} first. */
    private static final byte[] SNAPSHOT_START = "{\"format\":".getBytes(StandardCharsets.US_ASCII);

    private SnapshotCodec() {
    }

    /**
     * Writes a snapshot.
     *
     * @param snapshot the snapshot
     * @return its JSON, UTF-8
     */
    public static byte[] encode(RoutingSnapshot snapshot) {
        return RoutingJson.encode(snapshot);
    }

    /**
     * Reads a snapshot.
     *
     * @param data the znode's bytes
     * @return the snapshot
     * @throws IllegalArgumentException if the bytes are not a format-1 or format-2 snapshot; the message says what is
     *         wrong and where, as in {@code "blue.backends[0].port: 70000 (expected: 1-65535)"}
     */
    public static RoutingSnapshot decode(byte[] data) {
        return RoutingJson.decode(nonEmpty(data));
    }

    /**
     * Whether a znode's bytes look like a routing snapshot, of this version's formats or a later one's: whether the
     * znode is (most likely) a fleet's routing znode. Cheaper than {@link #decode}, and true of a snapshot this
     * version can't read, which is still another fleet's.
     *
     * @param data a znode's bytes, may be {@code null}
     * @return {@code true} if they start as every stored snapshot does, with its {@code format}
     */
    static boolean looksLikeSnapshot(byte[] data) {
        if (data == null || data.length < SNAPSHOT_START.length) {
            return false;
        }
        for (int i = 0; i < SNAPSHOT_START.length; i++) {
            if (data[i] != SNAPSHOT_START[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The bytes, if there are some.
     *
     * @param data a znode's bytes
     * @return them
     * @throws IllegalArgumentException if the znode is empty
     */
    static byte[] nonEmpty(byte[] data) {
        if (data == null || data.length == 0) {
            throw new IllegalArgumentException("the znode is empty (expected: a JSON object)");
        }
        return data;
    }
}
