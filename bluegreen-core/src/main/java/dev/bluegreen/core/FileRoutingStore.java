package dev.bluegreen.core;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.ChangeRefusedException.Refusal;
import dev.bluegreen.core.internal.DaemonThreads;
import dev.bluegreen.core.internal.DurableFiles;
import dev.bluegreen.core.internal.OrderedPublisher;
import dev.bluegreen.core.internal.RecentItems;
import dev.bluegreen.core.internal.RoutingJson;
import dev.bluegreen.core.internal.StateDocument;
import dev.bluegreen.core.internal.StateFileLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RoutingStore} in one file, so that a restart (or a crash) of a single instance comes back at the colour
 * and generation it had, instead of at the builder's pools and generation 0.
 *
 * <pre>{@code
 * BlueGreen admin = BlueGreen.builder()
 *         .blue("v1", blue).green("v2", green)          // only seed a new file; later the file's pools win
 *         .store(FileRoutingStore.at(Path.of("/var/lib/shop/routing.json")))
 *         .build();
 * }</pre>
 *
 * <p><b>What the file holds.</b> The snapshot, the snapshots before it (so {@link BlueGreen#history()} goes back
 * before the restart) and the last refused attempts, as one strict JSON document in the same form as the ZooKeeper
 * store's znode. The builder's pools and live colour only make the first snapshot of a file that does not exist
 * yet; when the file exists, its state wins and the builder's is ignored (logged at INFO), and generations continue
 * from the file's.
 *
 * <p><b>Durable before the verb returns.</b> Each change is written to a temporary file beside the state file,
 * forced to the disk, renamed over the state file (atomic) and the directory forced too; only then is it visible to
 * readers and does the verb return. A crash at any moment leaves the file holding either the state before the change
 * or the change: never a mix, never a state older than one a caller saw acknowledged. A change that can't be written
 * is refused ({@link Refusal#STORE_REJECTED}) and changes nothing. Refused attempts are written in the background.
 *
 * <p><b>One process per file.</b> The store holds an OS lock on {@code NAME.lock} beside the file while it is open;
 * a second process (or a second store in this one) is refused with a message naming the file and the holder (the
 * pid the lock file records). The OS releases the lock when the process ends, however it ends.
 *
 * <p><b>A damaged file is refused</b>, with the file's name, where (the member's path, or the offset, line and
 * column) and what is wrong: the store never guesses a state. To start over, remove the file, or open the store with
 * {@link Factory#startFresh()}, which moves the file aside and starts from the builder's pools at generation 0.
 *
 * <p>Threading: {@link #current()} is one volatile read. {@link #compareAndSet} blocks its caller for the write
 * (two {@code fsync}s, typically a few milliseconds); writers are serialized. Subscribers are told of every
 * generation, in order, on the thread of a writer.
 */
public final class FileRoutingStore implements RoutingStore {

    /** The default {@link Factory#historySize(int)}: as many changes and refusals as {@link BlueGreen} shows. */
    public static final int DEFAULT_HISTORY_SIZE = BlueGreen.DEFAULT_HISTORY_SIZE;

    private static final Logger log = LoggerFactory.getLogger(FileRoutingStore.class);

    private final Path file;
    /** {@link #file} with its links followed: what is locked, read and replaced. */
    private final Path target;
    private final int historySize;
    private final StateFileLock lock;
    private final ReentrantLock writes = new ReentrantLock();
    private final OrderedPublisher<RoutingSnapshot> publisher;
    private final Trail trail = new Trail();
    // Added to lock-free from any refusing thread (an event loop among them): never behind the file's lock.
    private final RecentItems<RefusedChange> refusals;
    private final AtomicBoolean refusalsPending = new AtomicBoolean();
    private final ExecutorService background;
    /**
     * The snapshot and its history as written to the file last (its refusals are in {@link #refusals}); replaced
     * only under {@link #writes}, read lock-free.
     */
    private volatile StateDocument state;
    private volatile boolean closed;

    private FileRoutingStore(Path file, Path target, int historySize, StateFileLock lock, StateDocument state) {
        this.file = file;
        this.target = target;
        this.historySize = historySize;
        this.lock = lock;
        this.refusals = new RecentItems<>(historySize);
        for (RefusedChange refused : state.refusals()) {
            refusals.add(refused);
        }
        this.state = new StateDocument(state.snapshot(), state.history(), List.of());
        this.publisher = OrderedPublisher.gapFree(RoutingSnapshot::generation, state.snapshot().generation());
        this.background = DaemonThreads.onDemand("bluegreen-state-file");
    }

    /**
     * A factory of stores keeping their state in {@code file}; pass it to {@link BlueGreen.Builder#store}.
     *
     * @param file the state file; its directory is created if missing. Keep it on a local disk: the file lock and
     *        the atomic rename are only as good as the file system's. It may be a symbolic link: the store locks,
     *        reads and replaces the file the link points to, and leaves the link in place. A relative path is taken
     *        from the working directory now, and the store's messages show it absolute
     * @return the factory, with the defaults
     * @throws NullPointerException if {@code file} is {@code null}
     * @throws IllegalArgumentException if {@code file} names no file (the empty path, or a root such as {@code /})
     */
    public static Factory at(Path file) {
        requireNonNull(file, "file");
        if (file.getFileName() == null || file.getFileName().toString().isEmpty()) {
            throw new IllegalArgumentException("file: '" + file + "' (expected: the path of a file, such as"
                    + " /var/lib/shop/routing.json)");
        }
        // Absolute in every message: a service's working directory is seldom what its operator has in mind.
        return new Factory(file.toAbsolutePath(), false, DEFAULT_HISTORY_SIZE);
    }

    /**
     * {@inheritDoc}
     *
     * <p>One volatile read.
     */
    @Override
    public RoutingSnapshot current() {
        return state.snapshot();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Writes the new state to the file durably (see the class description) before {@code next} becomes current;
     * then tells the subscribers.
     *
     * @throws ChangeRefusedException with {@link Refusal#STORE_REJECTED} if the store is closed or the file can't be
     *         written (the change is then not applied)
     */
    @Override
    public boolean compareAndSet(RoutingSnapshot expected, RoutingSnapshot next) {
        RoutingStore.requireNextGeneration(expected, next);
        writes.lock();
        try {
            if (closed) {
                throw new ChangeRefusedException(Refusal.STORE_REJECTED, "the routing store is closed");
            }
            StateDocument current = state;
            if (current.snapshot().generation() != expected.generation()) {
                return false;
            }
            StateDocument changed = current.changedTo(next, historySize);
            writeChange(changed);
            state = changed;
        } finally {
            writes.unlock();
        }
        publisher.publish(next);
        return true;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Subscribers added after a change was applied but before it was delivered may receive it.
     */
    @Override
    public void subscribe(Consumer<RoutingSnapshot> subscriber) {
        publisher.subscribe(requireNonNull(subscriber, "subscriber"));
    }

    /**
     * The changes and refused attempts the file holds, from before this process started too.
     *
     * @return the trail, always present
     */
    @Override
    public Optional<AuditTrail> auditTrail() {
        return Optional.of(trail);
    }

    /**
     * The state file.
     *
     * @return its path, absolute
     */
    public Path file() {
        return file;
    }

    /**
     * Writes the refused attempts not yet written, refuses further changes and releases the file's lock.
     * {@link #current()} keeps returning the last snapshot. Idempotent.
     */
    @Override
    public void close() {
        writes.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (refusalsPending.getAndSet(false)) {
                writePendingRefusals();
            }
        } finally {
            writes.unlock();
        }
        background.shutdownNow();
        publisher.clearSubscribers();
        lock.close();
    }

    @Override
    public String toString() {
        return "FileRoutingStore[" + file + ", generation " + current().generation() + "]";
    }

    /** Writes a change durably; on failure the file keeps its old content and the change is refused. */
    private void writeChange(StateDocument document) {
        try {
            write(document, "generation " + document.snapshot().generation());
        } catch (IOException e) {
            throw new ChangeRefusedException(Refusal.STORE_REJECTED, "could not write generation "
                    + document.snapshot().generation() + " to the routing state file " + file + " (" + e
                    + "): the change is not applied; the file keeps generation " + state.snapshot().generation());
        }
    }

    /** Writes the refused attempts not yet written; on failure they stay in memory for the next write. */
    private void writePendingRefusals() {
        try {
            write(state, "refused attempts");
        } catch (IOException e) {
            log.warn("could not write the refused attempts to the routing state file {} ({}); they stay in memory and"
                    + " go to the file with the next change", file, e.toString());
        }
    }

    /** Writes {@code document} with the refused attempts, durably, while this process still holds the lock. */
    private void write(StateDocument document, String what) throws IOException {
        lock.checkHeld();
        try {
            DurableFiles.replace(target, new StateDocument(document.snapshot(), document.history(),
                    refusals.items()).encode());
        } catch (DurableFiles.DirectorySyncException e) {
            // The file holds the new state already; refusing now would tell the caller the opposite of what a
            // restart will find.
            log.warn("wrote {} of {}, but its directory could not be forced to the disk: a power loss now may undo it",
                    what, file, e);
        }
    }

    private void recordRefusal(RefusedChange refused) {
        refusals.add(refused);
        // Written off the refusing thread (it may be an event loop), several refusals at once if they come fast.
        if (refusalsPending.compareAndSet(false, true)) {
            try {
                background.execute(this::writeRefusals);
            } catch (RejectedExecutionException e) {
                // Closed: close() wrote them.
            }
        }
    }

    private void writeRefusals() {
        writes.lock();
        try {
            if (!closed && refusalsPending.getAndSet(false)) {
                writePendingRefusals();
            }
        } finally {
            writes.unlock();
        }
    }

    /** The file's history as {@link BlueGreen} reads it. */
    private final class Trail implements AuditTrail {

        @Override
        public List<Change> changes() {
            return state.changes();
        }

        @Override
        public List<RefusedChange> refusals() {
            return refusals.items();
        }

        @Override
        public void recordRefusal(RefusedChange refused) {
            FileRoutingStore.this.recordRefusal(requireNonNull(refused, "refused"));
        }
    }

    /**
     * Opens {@link FileRoutingStore}s on one file, for {@link BlueGreen.Builder#store}.
     *
     * <p>Immutable; thread-safe.
     */
    public static final class Factory implements RoutingStoreFactory {

        private final Path file;
        private final boolean fresh;
        private final int historySize;

        private Factory(Path file, boolean fresh, int historySize) {
            this.file = file;
            this.fresh = fresh;
            this.historySize = historySize;
        }

        /**
         * This factory, starting over: an existing file (damaged or not) is moved aside to
         * {@code NAME.replaced-TIMESTAMP} and a new one is written from the builder's pools at generation 0. For an
         * operator who chose to discard the stored state; the default keeps it.
         *
         * @return a new factory
         */
        public Factory startFresh() {
            return new Factory(file, true, historySize);
        }

        /**
         * How many changes (and refused attempts) the file keeps. Default: {@value #DEFAULT_HISTORY_SIZE}.
         *
         * @param size 1 to {@value BlueGreen#MAX_HISTORY_SIZE}
         * @return a new factory
         * @throws IllegalArgumentException if {@code size} is out of range
         */
        public Factory historySize(int size) {
            if (size < 1 || size > BlueGreen.MAX_HISTORY_SIZE) {
                throw new IllegalArgumentException("historySize: " + size + " (expected: 1-"
                        + BlueGreen.MAX_HISTORY_SIZE + ")");
            }
            return new Factory(file, fresh, size);
        }

        /**
         * The state file.
         *
         * @return its path, absolute
         */
        public Path file() {
            return file;
        }

        /**
         * Opens the store: takes the file's lock, then reads the file, or writes {@code initialIfAbsent} to a new one.
         *
         * @param initialIfAbsent the snapshot to start from if the file does not exist (or when starting fresh)
         * @return the open store
         * @throws NullPointerException if {@code initialIfAbsent} is {@code null}
         * @throws ChangeRefusedException with {@link Refusal#STORE_REJECTED} if another process holds the file, the
         *         file is damaged or in an unknown format (the message names it, and says where and what is wrong),
         *         it is a directory, or it can't be read or written
         */
        @Override
        public FileRoutingStore open(RoutingSnapshot initialIfAbsent) {
            requireNonNull(initialIfAbsent, "initialIfAbsent");
            Path directory = file.toAbsolutePath().getParent();
            boolean directoryWasThere = Files.isDirectory(directory);
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw refused("can't create the directory of the routing state file " + file + ": " + e);
            }
            if (!directoryWasThere) {
                // A typo in the path, or a volume not mounted, looks just like a first start: say so once.
                log.warn("created the directory {} of the routing state file: no state was there, so it starts at"
                        + " generation 0 (if one was expected, check the path, and that its volume is mounted)",
                        directory);
            }
            Path target;
            try {
                target = DurableFiles.followLinks(file);
            } catch (IOException e) {
                throw refused("can't follow the routing state file " + file + " to the file it names: " + e);
            }
            if (Files.isDirectory(target)) {
                // Before the lock, which would leave NAME.lock beside the directory; and startFresh() must not move
                // a directory aside.
                throw refused("the routing state file " + file + " is a directory (expected: the path of a file in"
                        + " it, such as " + file.resolve("routing.json") + "); nothing was changed");
            }
            if (!target.equals(file.toAbsolutePath().normalize())) {
                log.info("the routing state file {} is {} once links are followed: that file is locked, read and"
                        + " replaced", file, target);
            }
            StateFileLock lock = StateFileLock.acquire(target);
            try {
                StateDocument state = fresh ? startOver(target, initialIfAbsent)
                        : readOrCreate(target, initialIfAbsent);
                return new FileRoutingStore(file, target, historySize, lock, state);
            } catch (RuntimeException e) {
                lock.close();
                throw e;
            }
        }

        private StateDocument readOrCreate(Path target, RoutingSnapshot initial) {
            byte[] data;
            try {
                data = Files.readAllBytes(target);
            } catch (NoSuchFileException e) {
                return create(target, initial, "created the routing state file {} at generation 0: {} live");
            } catch (IOException e) {
                throw refused("can't read the routing state file " + file + ": " + e);
            }
            StateDocument state;
            try {
                state = StateDocument.decode(data);
            } catch (RoutingJson.LaterFormatException e) {
                // Removing it would lose the state: the way back is the version that wrote it.
                throw refused("the routing state file " + file + " is in an unknown format: " + e.getMessage()
                        + " (nothing was changed; run the bluegreen that wrote it, or a later one, or restore a copy"
                        + " of the file this version wrote; removing it starts over from the configured pools at"
                        + " generation 0)");
            } catch (IllegalArgumentException e) {
                throw refused("the routing state file " + file + " is damaged or in an unknown format: "
                        + e.getMessage() + " (nothing was changed; fix the file or restore it from a backup, or"
                        + " remove it to start over from the configured pools)");
            }
            RoutingSnapshot snapshot = state.snapshot();
            log.info("read the routing state file {}: generation {}, {} live ({}), last changed by {}: {}; the"
                    + " configured pools are not used", file, snapshot.generation(), snapshot.live(),
                    snapshot.liveEnvironment().version(), snapshot.actor(), snapshot.reason());
            return state;
        }

        private StateDocument startOver(Path target, RoutingSnapshot initial) {
            if (Files.exists(target)) {
                String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC)
                        .format(Instant.now());
                Path aside = target.resolveSibling(target.getFileName() + ".replaced-" + stamp);
                try {
                    Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw refused("can't move the routing state file " + file + " aside to start fresh: " + e);
                }
                log.warn("starting fresh: the routing state file {} was moved to {}", file, aside);
            }
            return create(target, initial, "started the routing state file {} afresh at generation 0: {} live");
        }

        private StateDocument create(Path target, RoutingSnapshot initial, String message) {
            StateDocument state = StateDocument.of(initial);
            try {
                DurableFiles.replace(target, state.encode());
            } catch (DurableFiles.DirectorySyncException e) {
                log.warn("created {}, but its directory could not be forced to the disk", file, e);
            } catch (IOException e) {
                throw refused("can't write the routing state file " + file + ": " + e);
            }
            log.info(message, file, initial.live());
            return state;
        }

        private static ChangeRefusedException refused(String message) {
            return new ChangeRefusedException(Refusal.STORE_REJECTED, message);
        }

        @Override
        public String toString() {
            return "FileRoutingStore.Factory[" + file + (fresh ? ", fresh" : "") + "]";
        }
    }
}
