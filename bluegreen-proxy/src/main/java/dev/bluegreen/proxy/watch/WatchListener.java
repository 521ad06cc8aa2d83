package dev.bluegreen.proxy.watch;

/**
 * Hears what the {@link AutoRollback} watch and {@link ShiftPlan}s do. Called on the watch's own thread, one event
 * at a time; keep it short. An exception or error it throws (but a {@link VirtualMachineError}) is logged and
 * ignored.
 */
@FunctionalInterface
public interface WatchListener {

    /** Hears nothing. */
    WatchListener NONE = event -> {
    };

    /** One event. */
    void onEvent(WatchEvent event);
}
