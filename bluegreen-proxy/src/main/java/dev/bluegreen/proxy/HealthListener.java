package dev.bluegreen.proxy;

/**
 * Hears every health change of a backend: its {@link HealthState} changed, or it was ejected, or its ejection
 * ended. Called on an event loop of the proxy, so it must be quick and must not block; an exception or error it
 * throws (but a {@link VirtualMachineError}) is logged and ignored: the checks and the other listeners go on.
 *
 * <p>Calls are not serialised: the checks of a backend run on one event loop, but its ejection comes from the loop of
 * the request that failed, and the end of an ejection from a scheduled task, so two calls about one backend may come
 * from two threads at once, and in either order. Each call's {@code previous} and {@code current} describe one
 * transition; for the state now, ask {@code proxy.health(colour, backend)}. A listener that keeps state must be
 * thread-safe.
 */
@FunctionalInterface
public interface HealthListener {

    /**
     * A backend's health changed.
     *
     * @param previous what it was
     * @param current  what it is now
     */
    void healthChanged(BackendHealth previous, BackendHealth current);
}
