package dev.bluegreen.examples.options;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.FileRoutingStore;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * A routing state that survives restarts: {@code --state FILE}, a {@link FileRoutingStore}.
 */
public final class StateOptions implements ProxyOptionGroup {

    @Option(names = "--state", paramLabel = "FILE",
            description = "Keep the routing state (live colour, pools, generation, history) in this file, so that a"
                    + " restart or a crash comes back where it was instead of at --live: recommended whenever this"
                    + " proxy runs alone. The pools and --live given here only seed a new file; later the file's"
                    + " state wins. One process per file; a damaged file is refused (move it away to start over)."
                    + " Not with --zookeeper, which keeps a fleet's state.")
    Path state;

    /** Creates the group; picocli does this. */
    public StateOptions() {
    }

    /**
     * The state file.
     *
     * @return it, or empty without {@code --state}
     */
    public Optional<Path> file() {
        return Optional.ofNullable(state);
    }

    /**
     * With {@code --state}: sets the builder to keep its state in the file. Opening it (and refusing a damaged or
     * locked file) happens when the admin object is built.
     *
     * @return {@code null}: the admin object closes the store
     */
    @Override
    public AutoCloseable configureAdmin(BlueGreen.Builder admin, OptionErrors errors) {
        if (state == null) {
            return null;
        }
        // Applied before the ZooKeeper group, which refuses to be given with this one.
        admin.store(errors.check("--state", () -> FileRoutingStore.at(state)));
        return null;
    }
}
