package dev.bluegreen.zookeeper;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;
import dev.bluegreen.zookeeper.internal.RoutingPath;
import java.time.Clock;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.PathUtils;

/**
 * The options of {@link ZooKeeperRoutingStore.Builder}, each set once and validated when set, and their defaults.
 *
 * <p>Package-private: {@link ZooKeeperRoutingStore.Builder} is its only subclass, and its public methods are the
 * builder's. The options live in a file of their own so that {@code ZooKeeperRoutingStore.java} holds the store
 * only, while users keep writing {@code ZooKeeperRoutingStore.Builder}.
 *
 * <p>Not thread-safe: use from one thread.
 */
abstract class ZooKeeperStoreOptions {

    /** The longest instance id; {@link ZooKeeperRoutingStore#MAX_INSTANCE_ID_LENGTH}. */
    static final int MAX_INSTANCE_ID_LENGTH = 200;

    /** The largest history size: entries are znodes, each holding two snapshots, all in every instance's memory. */
    static final int MAX_HISTORY_SIZE = 10_000;

    final CuratorFramework client;
    final String path;
    private String instanceId;
    private Duration operationTimeout;
    private Duration departedRetention;
    private int historySize = -1;
    private Clock clock;

    ZooKeeperStoreOptions(CuratorFramework client, String path) {
        this.client = requireNonNull(client, "client");
        requireNonNull(path, "path");
        String problem = null;
        try {
            PathUtils.validatePath(path);
        } catch (IllegalArgumentException e) {
            problem = "; " + e.getMessage();
        }
        if (problem != null || path.equals("/")) {
            throw new IllegalArgumentException("path: '" + path.replaceAll("\\p{Cntrl}", "?")
                    + "' (expected: a znode below the root, such as /bluegreen/shop"
                    + (problem != null ? problem : "") + ")");
        }
        this.path = RoutingPath.requireNotReserved(client, path);
    }

    /** The builder these options belong to, for the fluent calls. */
    abstract ZooKeeperRoutingStore.Builder self();

    /**
     * This instance's id in the fleet: its registration's name and what the fleet view shows. Required.
     *
     * @param instanceId 1 to {@value #MAX_INSTANCE_ID_LENGTH} printable ASCII characters without {@code '/'}
     *        and other than {@code "."} and {@code ".."}, unique in the fleet, stable across restarts (such as
     *        a host name, or host and port)
     * @return this builder
     * @throws NullPointerException if {@code instanceId} is {@code null}
     * @throws IllegalArgumentException if it is invalid
     * @throws IllegalStateException if it was already set
     */
    public ZooKeeperRoutingStore.Builder instanceId(String instanceId) {
        requireNonNull(instanceId, "instanceId");
        checkUnset(this.instanceId, "instanceId");
        this.instanceId = validInstanceId(instanceId);
        return self();
    }

    /**
     * How long one ZooKeeper operation may take before the store gives up on it: a change is then refused,
     * and opening fails. Default: 5 s. Keep it below the session timeout.
     *
     * @param timeout positive, at most 10 minutes
     * @return this builder
     * @throws NullPointerException if {@code timeout} is {@code null}
     * @throws IllegalArgumentException if it is out of range
     * @throws IllegalStateException if it was already set
     */
    public ZooKeeperRoutingStore.Builder operationTimeout(Duration timeout) {
        requireNonNull(timeout, "timeout");
        checkUnset(this.operationTimeout, "operationTimeout");
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("operationTimeout: " + Texts.duration(timeout)
                    + " (expected: > 0 and <= 10 min)");
        }
        this.operationTimeout = timeout;
        return self();
    }

    /**
     * How long the fleet view keeps showing an instance whose registration went away (stopped, crashed or cut
     * off from ZooKeeper), marked unreachable. Default: 10 minutes.
     *
     * @param retention zero or positive
     * @return this builder
     * @throws NullPointerException if {@code retention} is {@code null}
     * @throws IllegalArgumentException if it is negative
     * @throws IllegalStateException if it was already set
     */
    public ZooKeeperRoutingStore.Builder departedRetention(Duration retention) {
        requireNonNull(retention, "retention");
        checkUnset(this.departedRetention, "departedRetention");
        if (retention.isNegative()) {
            throw new IllegalArgumentException("departedRetention: " + Texts.duration(retention) + " (expected: >= 0)");
        }
        this.departedRetention = retention;
        return self();
    }

    /**
     * How many of the fleet's changes the audit trail under {@code path/history} keeps (older entries are deleted
     * by the instance that notices first), and how many of this instance's refused attempts it keeps. Default:
     * {@value ZooKeeperRoutingStore#DEFAULT_HISTORY_SIZE}.
     *
     * @param size 1 to 10,000
     * @return this builder
     * @throws IllegalArgumentException if it is out of range
     * @throws IllegalStateException if it was already set
     */
    public ZooKeeperRoutingStore.Builder historySize(int size) {
        if (size < 1 || size > MAX_HISTORY_SIZE) {
            throw new IllegalArgumentException("historySize: " + size + " (expected: 1-" + MAX_HISTORY_SIZE + ")");
        }
        if (this.historySize != -1) {
            throw new IllegalStateException("historySize was already set to " + this.historySize);
        }
        this.historySize = size;
        return self();
    }

    /**
     * The clock that stamps reports and fleet views. Default: {@link Clock#systemUTC()}.
     *
     * @param clock the clock
     * @return this builder
     * @throws NullPointerException if {@code clock} is {@code null}
     * @throws IllegalStateException if it was already set
     */
    public ZooKeeperRoutingStore.Builder clock(Clock clock) {
        requireNonNull(clock, "clock");
        checkUnset(this.clock, "clock");
        this.clock = clock;
        return self();
    }

    /** The instance id, required by then. */
    String requiredInstanceId() {
        if (instanceId == null) {
            throw new IllegalStateException("instanceId was not set (expected: an id unique in the fleet)");
        }
        return instanceId;
    }

    Duration resolvedOperationTimeout() {
        return operationTimeout != null ? operationTimeout : ZooKeeperRoutingStore.DEFAULT_OPERATION_TIMEOUT;
    }

    Duration resolvedDepartedRetention() {
        return departedRetention != null ? departedRetention : ZooKeeperRoutingStore.DEFAULT_DEPARTED_RETENTION;
    }

    int resolvedHistorySize() {
        return historySize != -1 ? historySize : ZooKeeperRoutingStore.DEFAULT_HISTORY_SIZE;
    }

    Clock resolvedClock() {
        return clock != null ? clock : Clock.systemUTC();
    }

    private static String validInstanceId(String id) {
        boolean valid = !id.isEmpty() && id.length() <= MAX_INSTANCE_ID_LENGTH && !id.equals(".")
                && !id.equals("..") && id.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/');
        if (!valid) {
            throw new IllegalArgumentException("instanceId: '" + id.replaceAll("\\p{Cntrl}", "?")
                    + "' (expected: 1-" + MAX_INSTANCE_ID_LENGTH + " printable ASCII characters without '/'"
                    + " or spaces, not '.' or '..')");
        }
        return id;
    }

    private static void checkUnset(Object current, String option) {
        if (current != null) {
            throw new IllegalStateException(option + " was already set to " + current);
        }
    }
}
