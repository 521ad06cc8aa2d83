package dev.bluegreen.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One instance's view of its {@link Fleet}: every instance it knows of, the generation each reports serving, and
 * whether each is still reachable through the store.
 *
 * <p>Immutable and thread-safe.
 *
 * @param instanceId the id of the instance whose view this is; it is normally one of the members
 * @param connected whether that instance is connected to the store now; when it is not, the view is as it was
 *        when the connection was lost (and that instance refuses changes)
 * @param at when the view was taken, by the store's clock
 * @param members every instance known, sorted by id: those registered with the store now, and those that were and
 *        went away recently (stopped, crashed, or cut off from the store and possibly still serving their last
 *        generation), marked not {@linkplain Member#reachable() reachable}
 */
public record FleetStatus(String instanceId, boolean connected, Instant at, List<Member> members) {

    /**
     * Validates the components and sorts the members by id.
     *
     * @param instanceId the viewing instance's id
     * @param connected whether it is connected to the store
     * @param at when the view was taken
     * @param members the instances known, copied
     * @throws NullPointerException if a component or a member is {@code null}
     * @throws IllegalArgumentException if two members share an id
     */
    public FleetStatus {
        requireNonNull(instanceId, "instanceId");
        requireNonNull(at, "at");
        requireNonNull(members, "members");
        members = members.stream().sorted(Comparator.comparing(Member::id)).toList();
        for (int i = 1; i < members.size(); i++) {
            if (members.get(i).id().equals(members.get(i - 1).id())) {
                throw new IllegalArgumentException("members: id '" + members.get(i).id()
                        + "' appears more than once (expected: one member per instance)");
            }
        }
    }

    /**
     * The members registered with the store now.
     *
     * @return the reachable members, sorted by id
     */
    public List<Member> reachable() {
        return members.stream().filter(Member::reachable).toList();
    }

    /**
     * The members that were registered and went away: stopped, crashed, or cut off from the store. One cut off
     * keeps serving the generation shown.
     *
     * @return the unreachable members, sorted by id
     */
    public List<Member> unreachable() {
        return members.stream().filter(member -> !member.reachable()).toList();
    }

    /**
     * Whether every reachable instance serves {@code generation} or a later one: "all N instances are on G". False
     * when no instance is reachable.
     *
     * @param generation the generation
     * @return {@code true} if at least one instance is reachable and none of them is behind {@code generation}
     */
    public boolean allReached(long generation) {
        List<Member> reachable = reachable();
        return !reachable.isEmpty() && reachable.stream().allMatch(member -> member.generation() >= generation);
    }

    /**
     * The reachable members that serve an earlier generation than {@code generation}.
     *
     * @param generation the generation
     * @return the members behind it, sorted by id
     */
    public List<Member> behind(long generation) {
        return members.stream().filter(member -> member.reachable() && member.generation() < generation).toList();
    }

    /**
     * The lowest generation a reachable instance serves.
     *
     * @return the lowest generation, or empty if no instance is reachable
     */
    public OptionalLong lowestGeneration() {
        return reachable().stream().mapToLong(Member::generation).min();
    }

    /**
     * The member with the given id.
     *
     * @param id the instance id
     * @return the member, or empty if this view doesn't know it
     * @throws NullPointerException if {@code id} is {@code null}
     */
    public Optional<Member> member(String id) {
        requireNonNull(id, "id");
        return members.stream().filter(member -> member.id().equals(id)).findFirst();
    }

    /**
     * One instance of the fleet, as it last reported itself.
     *
     * <p>Immutable and thread-safe.
     *
     * @param id the instance's id, unique in the fleet
     * @param generation the routing generation it reported serving
     * @param live the live colour at that generation
     * @param reportedAt when it reported it, by its own clock
     * @param reachable whether it is registered with the store now; {@code false} for an instance that went away
     *        (stopped, crashed or cut off from the store, in which case it keeps serving {@code generation})
     */
    public record Member(String id, long generation, Colour live, Instant reportedAt, boolean reachable) {

        /**
         * Validates the components.
         *
         * @param id the instance's id
         * @param generation the generation it serves
         * @param live the live colour at that generation
         * @param reportedAt when it reported
         * @param reachable whether it is registered now
         * @throws NullPointerException if a component is {@code null}
         * @throws IllegalArgumentException if the id is blank or the generation negative
         */
        public Member {
            requireNonNull(id, "id");
            requireNonNull(live, "live");
            requireNonNull(reportedAt, "reportedAt");
            if (id.isBlank()) {
                throw new IllegalArgumentException("id: '" + id + "' (expected: not blank)");
            }
            if (generation < 0) {
                throw new IllegalArgumentException("generation: " + generation + " (expected: >= 0)");
            }
        }
    }
}
