package dev.bluegreen.core;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A request to replace one colour's pool, for {@link BlueGreen#deploy(Deployment)}.
 *
 * <p>The version and backends are validated as an {@link Environment} when the deployment is made, so a bad
 * deployment fails here rather than when it is applied.
 *
 * <p>Immutable and thread-safe.
 *
 * @param colour the pool to replace
 * @param version the version label of the new pool
 * @param backends the new backends, copied; may be empty to clear an idle pool
 * @param expectedGeneration the generation the caller expects to replace, or {@link BlueGreen#ANY_GENERATION}
 * @param forceLive whether the live pool may be replaced; without it a deployment to the live colour is refused
 */
public record Deployment(Colour colour, String version, List<Backend> backends, long expectedGeneration,
                         boolean forceLive) {

    /**
     * Validates and copies the components.
     *
     * @param colour the pool to replace
     * @param version the version label
     * @param backends the new backends
     * @param expectedGeneration the expected generation, or {@link BlueGreen#ANY_GENERATION}
     * @param forceLive whether the live pool may be replaced
     * @throws NullPointerException if a component or a backend is {@code null}
     * @throws IllegalArgumentException if the version or backends do not make a valid {@link Environment}, or the
     *         expected generation is below {@link BlueGreen#ANY_GENERATION}
     */
    public Deployment {
        requireNonNull(colour, "colour");
        requireNonNull(version, "version");
        requireNonNull(backends, "backends");
        backends = Environment.of(colour, version, backends).backends();
        ChangeRequest.requireExpectedGeneration(expectedGeneration);
    }

    /**
     * A deployment that applies to any generation and refuses to replace the live pool.
     *
     * @param colour the pool to replace
     * @param version the version label of the new pool
     * @param backends the new backends
     * @return the deployment
     * @throws NullPointerException if an argument or a backend is {@code null}
     * @throws IllegalArgumentException if the version or backends do not make a valid {@link Environment}
     */
    public static Deployment of(Colour colour, String version, List<Backend> backends) {
        return new Deployment(colour, version, backends, ChangeRequest.ANY_GENERATION, false);
    }

    /**
     * This deployment, refused unless the routing state is still at the given generation when it is applied.
     *
     * @param generation the expected generation, or {@link BlueGreen#ANY_GENERATION}
     * @return a new deployment
     * @throws IllegalArgumentException if {@code generation} is below {@link BlueGreen#ANY_GENERATION}
     */
    public Deployment expectingGeneration(long generation) {
        return new Deployment(colour, version, backends, generation, forceLive);
    }

    /**
     * This deployment, allowed to replace the live pool. Traffic moves to the new backends at once; requests
     * already under way finish on the backends they started on.
     *
     * @return a new deployment
     */
    public Deployment forced() {
        return new Deployment(colour, version, backends, expectedGeneration, true);
    }

    /**
     * The pool this deployment installs.
     *
     * @return the environment of {@link #colour()} with this version and these backends
     */
    public Environment environment() {
        return Environment.of(colour, version, backends);
    }
}
