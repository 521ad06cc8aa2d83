package dev.bluegreen.core.internal;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.AuditTrail;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.ChangeListener;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RefusedChange;
import dev.bluegreen.core.RoutingSnapshot;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;

/**
 * The audit side of an admin object: the applied changes it has seen and the attempts it refused, each kept in a
 * bounded history, logged at INFO and told to the {@link ChangeListener}s. When the store keeps an
 * {@link AuditTrail} (across restarts, across a fleet), the histories are read from it, and refusals recorded in it.
 *
 * <p>Thread-safe. {@link #onApplied} is called by the store for one snapshot at a time, in generation order;
 * {@link #refused} from any thread whose attempt was refused, concurrently.
 */
public final class AuditLog {

    /** The most of a deployment's version label its line quotes: the label has no limit of its own. */
    private static final int MAX_VERSION_IN_LINE = 64;

    private final Logger log;
    private final int historySize;
    /** The store's own record, or {@code null} when it keeps none. */
    private final AuditTrail trail;
    private final Registrations<ChangeListener> listeners = new Registrations<>();
    // Added to only from onApplied, which the store calls for one snapshot at a time.
    private final RecentItems<Change> history;
    // Added to from any thread whose attempt was refused, concurrently.
    private final RecentItems<RefusedChange> refusals;
    /*
     * Written only from onApplied; volatile because the first value is written by the constructor's thread and
     * later ones by whichever thread the store delivers on.
     */
    private volatile RoutingSnapshot lastSeen;
    private volatile boolean closed;

    /**
     * An empty log.
     *
     * @param log where the lines go: the admin object's logger, which is what users configure
     * @param historySize how many changes, and how many refusals, to keep
     * @param listeners the listeners to tell from the start, in order
     * @param start the snapshot the store opened with; only later generations are changes
     * @param trail the store's audit trail, or {@code null} if it keeps none
     */
    public AuditLog(Logger log, int historySize, List<ChangeListener> listeners, RoutingSnapshot start,
                    AuditTrail trail) {
        this.log = requireNonNull(log, "log");
        this.historySize = historySize;
        this.trail = trail;
        this.history = new RecentItems<>(historySize);
        this.refusals = new RecentItems<>(historySize);
        for (ChangeListener listener : listeners) {
            this.listeners.add(listener);
        }
        this.lastSeen = requireNonNull(start, "start");
    }

    /**
     * Adds a listener for the changes applied, and the attempts refused, from now on.
     *
     * @param listener the listener
     * @return a handle whose {@code close()} removes this addition of the listener
     * @throws IllegalStateException if this log is closed: it tells no listener any more, so the listener would
     *         never be called
     */
    public AutoCloseable addListener(ChangeListener listener) {
        if (closed) {
            throw new IllegalStateException("addListener refused: this audit log is closed (expected: an open one;"
                    + " the listener would never be called)");
        }
        return listeners.add(listener);
    }

    /**
     * The last changes, oldest first: the store's record if it keeps one, else those seen since this log was made;
     * at most the history size.
     *
     * @return an immutable list
     */
    public List<Change> history() {
        return trail != null ? last(trail.changes()) : history.items();
    }

    /**
     * The last refused attempts, oldest first: the store's record if it keeps one, else those since this log was
     * made; at most the history size.
     *
     * @return an immutable list
     */
    public List<RefusedChange> refusals() {
        return trail != null ? last(trail.refusals()) : refusals.items();
    }

    private <T> List<T> last(List<T> items) {
        return items.size() <= historySize ? items : List.copyOf(items.subList(items.size() - historySize,
                items.size()));
    }

    /**
     * Stops telling listeners of refusals (the store stops delivering changes when it closes). Idempotent.
     */
    public void close() {
        closed = true;
    }

    /**
     * Records, logs and tells the listeners of an applied snapshot. Called by the store, one snapshot at a time and
     * in generation order; a generation already seen is ignored (a store may deliver a change applied between the
     * admin object's first read and its subscription).
     *
     * @param snapshot the applied snapshot
     */
    public void onApplied(RoutingSnapshot snapshot) {
        RoutingSnapshot previous = lastSeen;
        if (snapshot.generation() <= previous.generation()) {
            return;
        }
        lastSeen = snapshot;
        Change change = new Change(previous, snapshot);
        history.add(change);
        Environment live = snapshot.liveEnvironment();
        // The texts are callers' own: no control character gets in, but U+2028 or U+2029 may, which would break
        // the line for a viewer that follows Unicode.
        log.info("routing generation {}: {} by {}: {}; live {} {} ({})", snapshot.generation(), what(change),
                Texts.escapeControls(snapshot.actor()), Texts.escapeControls(snapshot.reason()), snapshot.live(),
                Texts.escapeControls(live.version()), Texts.count(live.backends().size(), "backend"));
        listeners.forEach(listener -> notify(listener, change));
    }

    /**
     * What a change did, in a few words, such as {@code SWITCH BLUE -> GREEN (forced)} or {@code DEPLOY GREEN v2}:
     * the line says it whatever the reason, which replaces the generated description when the caller gives one
     * ("release 2.3" says neither the kind, nor the colours, nor that the guards were skipped).
     */
    private static String what(Change change) {
        RoutingSnapshot before = change.previous();
        RoutingSnapshot after = change.current();
        String what = switch (change.kind()) {
            case DEPLOY -> "DEPLOY" + deployed(before, after);
            case SHIFT -> "SHIFT " + before.shiftPercent() + "% -> " + after.shiftPercent() + "% to " + after.idle();
            // A rollback of a shift under way leaves the live colour and takes the share back to 0 %.
            case ROLLBACK -> change.liveColourChanged() ? "ROLLBACK " + change.from() + " -> " + change.to()
                    : "ROLLBACK " + before.shiftPercent() + "% -> 0% to " + after.idle();
            default -> change.kind() + " " + change.from() + " -> " + change.to();
        };
        return change.forced() ? what + " (forced)" : what;
    }

    /** The pool a deployment replaced and its new version; empty if both pools read as before. */
    private static String deployed(RoutingSnapshot before, RoutingSnapshot after) {
        StringBuilder pools = new StringBuilder();
        for (Colour colour : Colour.values()) {
            Environment environment = after.environment(colour);
            if (!environment.equals(before.environment(colour))) {
                pools.append(' ').append(colour).append(' ').append(Texts.escapeControls(Texts.abbreviate(
                        environment.version(), MAX_VERSION_IN_LINE)));
            }
        }
        return pools.toString();
    }

    /**
     * Records, logs and tells the listeners of a refused attempt.
     *
     * @param e the refusal
     * @param attempt what was asked, in words
     * @param by who asked, and why
     * @param against the state it was refused against
     * @param at when
     * @return {@code e}, for the caller to throw
     */
    public ChangeRefusedException refused(ChangeRefusedException e, String attempt, Attribution by,
                                          RoutingSnapshot against, Instant at) {
        // A store may throw without a message; the record still says what was refused.
        String message = e.getMessage() != null ? e.getMessage() : attempt + " refused: " + e.refusal();
        RefusedChange refused = new RefusedChange(at, by.actor(), by.reasonOr(attempt), attempt, e.refusal(),
                message, against.generation(), against.live());
        refusals.add(refused);
        if (trail != null) {
            trail.recordRefusal(refused);
        }
        log.info("refused: {} (actor {}: {}; generation {}, live {})", Texts.escapeControls(message),
                Texts.escapeControls(refused.actor()), Texts.escapeControls(refused.reason()), refused.generation(),
                refused.live());
        if (!closed) {
            listeners.forEach(listener -> notifyRefused(listener, refused));
        }
        return e;
    }

    private void notify(ChangeListener listener, Change change) {
        try {
            listener.onChange(change);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            log.warn("change listener {} failed on generation {} ({}); the change stands and the other listeners"
                    + " are still called", listener, change.generation(), Texts.escapeControls(change.reason()), e);
        }
    }

    private void notifyRefused(ChangeListener listener, RefusedChange refused) {
        try {
            listener.onRefused(refused);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            log.warn("change listener {} failed on a refusal ({}); the attempt is still refused and the other"
                    + " listeners are still called", listener, Texts.escapeControls(refused.message()), e);
        }
    }
}
