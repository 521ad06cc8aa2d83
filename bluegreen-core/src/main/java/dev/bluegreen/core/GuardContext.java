package dev.bluegreen.core;

import static java.util.Objects.requireNonNull;

/**
 * What a {@link SwitchGuard} is asked about: traffic is about to move to {@code target}.
 *
 * @param current the snapshot the change was asked on
 * @param kind {@link ChangeKind#SWITCH}, {@link ChangeKind#PROMOTE} or {@link ChangeKind#SHIFT}
 * @param target the colour that would receive (more) traffic
 * @param targetEnvironment its pool, as in {@code current}
 */
public record GuardContext(RoutingSnapshot current, ChangeKind kind, Colour target, Environment targetEnvironment) {

    /**
     * Validates the components.
     *
     * @param current the snapshot the change was asked on
     * @param kind the kind of change
     * @param target the colour that would receive traffic
     * @param targetEnvironment its pool
     * @throws NullPointerException if a component is {@code null}
     */
    public GuardContext {
        requireNonNull(current, "current");
        requireNonNull(kind, "kind");
        requireNonNull(target, "target");
        requireNonNull(targetEnvironment, "targetEnvironment");
    }
}
