package dev.bluegreen.zookeeper.internal;

import dev.bluegreen.core.RoutingSnapshot;
import org.apache.zookeeper.data.Stat;

/**
 * What an instance last learned of the routing znode: the version to compare-and-set against, the snapshot it
 * holds (or why it could not be read), ordered by the zxid of its last modification so that an older read never
 * replaces a newer one.
 *
 * <p>Immutable and thread-safe.
 *
 * @param mzxid the zxid of the znode's last modification; reads are kept only if newer
 * @param version the znode's data version, for {@code setData().withVersion(version)}
 * @param exists whether the znode exists; {@code false} after it was seen deleted
 * @param snapshot the snapshot it holds, or {@code null} if it doesn't exist, is empty or can't be read
 * @param problem why it can't be read, or {@code null}; an empty znode (created by hand, or as the parent of a
 *        registration) has no snapshot and no problem: it is written as if it did not exist
 */
public record StoredNode(long mzxid, int version, boolean exists, RoutingSnapshot snapshot, String problem) {

    /**
     * Decodes what a read returned.
     *
     * @param stat the znode's stat
     * @param data its content
     * @return the node, with a problem instead of a snapshot if the content is malformed
     */
    public static StoredNode read(Stat stat, byte[] data) {
        if (data == null || data.length == 0) {
            return new StoredNode(stat.getMzxid(), stat.getVersion(), true, null, null);
        }
        try {
            return new StoredNode(stat.getMzxid(), stat.getVersion(), true, SnapshotCodec.decode(data), null);
        } catch (IllegalArgumentException e) {
            return new StoredNode(stat.getMzxid(), stat.getVersion(), true, null, e.getMessage());
        }
    }

    /**
     * What was written: {@code snapshot}, at the version and zxid the write returned.
     *
     * @param stat the stat the write returned
     * @param snapshot the snapshot written
     * @return the node
     */
    public static StoredNode written(Stat stat, RoutingSnapshot snapshot) {
        return new StoredNode(stat.getMzxid(), stat.getVersion(), true, snapshot, null);
    }

    /**
     * This node, seen deleted. Keeps the zxid: the znode's re-creation has a newer one, a late read of the deleted
     * content does not.
     *
     * @return the deleted node
     */
    public StoredNode deleted() {
        return new StoredNode(mzxid, -1, false, null, null);
    }

    /**
     * The newer of two nodes by modification zxid. On a tie, a node that exists wins over one seen deleted: a
     * re-created node is sometimes learned of before a read that missed it.
     *
     * @param other another read
     * @return the newer one
     */
    public StoredNode newer(StoredNode other) {
        return other.mzxid > mzxid || (other.mzxid == mzxid && other.exists && !exists) ? other : this;
    }
}
