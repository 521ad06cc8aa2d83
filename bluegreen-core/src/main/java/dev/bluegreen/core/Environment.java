package dev.bluegreen.core;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One colour's pool: the version label deployed on it and its backends.
 *
 * <p>Immutable and thread-safe; the backend list is an immutable copy.
 *
 * @param colour the colour of this pool
 * @param version a label for what is deployed, for logs and the admin API; not blank, at most
 *        {@value #MAX_VERSION_LENGTH} characters, no control characters
 * @param backends the backends in order; may be empty; no two share an id or a host and port (host compared
 *        ignoring case)
 */
public record Environment(Colour colour, String version, List<Backend> backends) {

    /** The version label of a pool that has never been deployed, as made by {@link #empty(Colour)}. */
    public static final String NO_VERSION = "none";

    /**
     * The most characters (code points: an emoji counts one) a {@link #version()} may have: enough for an image
     * reference with its digest; the label goes into every change's log line, the status page and each stored
     * snapshot.
     */
    public static final int MAX_VERSION_LENGTH = 256;

    /**
     * Validates every component and copies the backend list.
     *
     * @param colour the colour of the pool
     * @param version the version label
     * @param backends the backends, copied
     * @throws NullPointerException if a component or a backend is {@code null}
     * @throws IllegalArgumentException if the version is blank, too long or holds a control character, or two backends
     *         share an id or a host and port
     */
    public Environment {
        requireNonNull(colour, "colour");
        requireNonNull(version, "version");
        requireNonNull(backends, "backends");
        Texts.requireShortText("version", version, MAX_VERSION_LENGTH);
        for (int i = 0; i < backends.size(); i++) {
            requireNonNull(backends.get(i), "backends[" + i + "]");
        }
        backends = List.copyOf(backends);
        checkUnique(colour, backends);
    }

    /**
     * An environment; the same as the constructor.
     *
     * @param colour the colour of this pool
     * @param version the version label
     * @param backends the backends, copied
     * @return the environment
     * @throws NullPointerException if an argument or a backend is {@code null}
     * @throws IllegalArgumentException as the constructor does
     */
    public static Environment of(Colour colour, String version, List<Backend> backends) {
        return new Environment(colour, version, backends);
    }

    /**
     * A pool with no backends and the version {@value #NO_VERSION}.
     *
     * @param colour the colour of this pool
     * @return the empty environment
     * @throws NullPointerException if {@code colour} is {@code null}
     */
    public static Environment empty(Colour colour) {
        return new Environment(colour, NO_VERSION, List.of());
    }

    /**
     * Whether this pool has no backends; traffic routed to an empty pool is answered with 503.
     *
     * @return {@code true} if there are no backends
     */
    public boolean isEmpty() {
        return backends.isEmpty();
    }

    private static void checkUnique(Colour colour, List<Backend> backends) {
        Map<String, Backend> byId = new HashMap<>();
        Map<String, Backend> byEndpoint = new HashMap<>();
        for (Backend backend : backends) {
            if (byId.putIfAbsent(backend.id(), backend) != null) {
                throw new IllegalArgumentException("backends: id " + Texts.quote(backend.id())
                        + " appears more than once in the " + colour + " pool (expected: unique ids)");
            }
            Backend same = byEndpoint.putIfAbsent(backend.endpointKey(), backend);
            if (same != null) {
                throw new IllegalArgumentException("backends: " + Texts.quote(backend.authority())
                        + " appears more than once in the " + colour + " pool (as " + Texts.quote(same.id())
                        + " and " + Texts.quote(backend.id()) + "; expected: each host and port once)");
            }
        }
    }
}
