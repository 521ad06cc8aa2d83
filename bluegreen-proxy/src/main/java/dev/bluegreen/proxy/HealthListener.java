package dev.bluegreen.proxy;

/**
 * Hears every health change of a backend: its {@link HealthState} changed, or it was ejected, or its ejection
 * ended. Called on an event loop of the proxy, so it must be quick and must not block; an exception or error it
 * throws (but a {@link VirtualMachineError}) is logged and ignored: the checks and the other listeners go on.
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
