package dev.bluegreen.zookeeper.internal;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.AuditTrail;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.RefusedChange;
import dev.bluegreen.core.internal.RecentItems;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's audit trail as this instance knows it: every change written under {@code path/history} by any
 * instance (from the watch), and this instance's own as soon as its write returns, each with the instance that made
 * it; in the order ZooKeeper numbered them, at most the retention. Refused attempts are this instance's own: they
 * don't go through ZooKeeper.
 *
 * <p>Thread-safe and lock-free to read.
 */
public final class FleetHistory implements AuditTrail {

    private static final Logger log = LoggerFactory.getLogger(FleetHistory.class);

    private final int retention;
    // Keyed by the znode's name: its zero-padded sequence number sorts as ZooKeeper numbered the writes.
    private final ConcurrentSkipListMap<String, Change> entries = new ConcurrentSkipListMap<>();
    private final RecentItems<RefusedChange> refusals;

    /**
     * An empty trail.
     *
     * @param retention how many changes to keep (and how many refusals)
     */
    public FleetHistory(int retention) {
        this.retention = retention;
        this.refusals = new RecentItems<>(retention);
    }

    /**
     * This instance wrote a change, and its entry; known before the watch tells.
     *
     * @param entryPath the entry's znode
     * @param change the change
     */
    public void written(String entryPath, Change change) {
        entries.put(ZKPaths.getNodeFromPath(entryPath), requireNonNull(change, "change"));
    }

    /**
     * The watch saw an entry.
     *
     * @param entryPath its znode
     * @param data its content
     */
    public void read(String entryPath, byte[] data) {
        String name = ZKPaths.getNodeFromPath(entryPath);
        if (!name.startsWith(HistoryEntry.PREFIX)) {
            return;
        }
        try {
            entries.put(name, HistoryEntry.decode(data));
        } catch (IllegalArgumentException e) {
            log.warn("the history entry {} holds data this version can't read ({}); it is left out of the history",
                    entryPath, e.getMessage());
        }
    }

    /**
     * The watch saw an entry go (pruned by an instance).
     *
     * @param entryPath its znode
     */
    public void removed(String entryPath) {
        entries.remove(ZKPaths.getNodeFromPath(entryPath));
    }

    /**
     * The entries to prune, oldest first: none until there are a tenth more than the retention (at least one more),
     * then every entry beyond the retention, so that pruning is one ZooKeeper transaction every few changes rather
     * than a delete at every change.
     *
     * @return their names, possibly none
     */
    public List<String> toPrune() {
        int extra = entries.size() - retention;
        if (extra <= Math.max(1, retention / 10)) {
            return List.of();
        }
        List<String> names = new ArrayList<>(extra);
        for (String name : entries.keySet()) {
            if (names.size() >= extra) {
                break;
            }
            names.add(name);
        }
        return names;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The fleet's changes, each with {@link Change#instance()} set, oldest first.
     */
    @Override
    public List<Change> changes() {
        List<Change> all = new ArrayList<>(entries.size());
        for (Map.Entry<String, Change> entry : entries.entrySet()) {
            all.add(entry.getValue());
        }
        int from = Math.max(0, all.size() - retention);
        return List.copyOf(all.subList(from, all.size()));
    }

    /**
     * {@inheritDoc}
     *
     * <p>This instance's refused attempts only.
     */
    @Override
    public List<RefusedChange> refusals() {
        return refusals.items();
    }

    @Override
    public void recordRefusal(RefusedChange refused) {
        refusals.add(requireNonNull(refused, "refused"));
    }
}
