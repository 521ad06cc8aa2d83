package dev.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.FleetStatus.Member;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetStatusTest {

    private static final Instant AT = Instant.parse("2026-11-26T12:00:00Z");

    @Test
    void members_areSortedById_andSplitByReachability() {
        FleetStatus status = new FleetStatus("b", true, AT, List.of(member("c", 3, true), member("a", 4, true),
                member("b", 2, false)));

        assertThat(status.members()).extracting(Member::id).containsExactly("a", "b", "c");
        assertThat(status.reachable()).extracting(Member::id).containsExactly("a", "c");
        assertThat(status.unreachable()).extracting(Member::id).containsExactly("b");
        assertThat(status.member("b")).map(Member::generation).contains(2L);
        assertThat(status.member("z")).isEmpty();
    }

    @Test
    void allReached_countsReachableInstancesOnly_andNeedsOne() {
        FleetStatus status = new FleetStatus("a", true, AT, List.of(member("a", 4, true), member("b", 3, true),
                member("c", 1, false)));

        assertThat(status.allReached(3)).isTrue();
        assertThat(status.allReached(4)).isFalse();
        assertThat(status.behind(4)).extracting(Member::id).containsExactly("b");
        assertThat(status.lowestGeneration()).hasValue(3);
        assertThat(new FleetStatus("a", false, AT, List.of(member("c", 9, false))).allReached(0)).isFalse();
        assertThat(new FleetStatus("a", false, AT, List.of()).lowestGeneration()).isEmpty();
    }

    @Test
    void twoMembersWithOneId_areRefused() {
        assertThatThrownBy(() -> new FleetStatus("a", true, AT, List.of(member("a", 1, true), member("a", 2, false))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("members: id 'a' appears more than once (expected: one member per instance)");
    }

    @Test
    void member_validatesItsComponents() {
        assertThatThrownBy(() -> new Member(" ", 0, Colour.BLUE, AT, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Member("a", -1, Colour.BLUE, AT, true))
                .hasMessage("generation: -1 (expected: >= 0)");
        assertThatThrownBy(() -> new Member("a", 0, null, AT, true)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void theInMemoryStore_hasNoFleet() {
        try (BlueGreen admin = BlueGreen.builder().build()) {
            assertThat(admin.fleet()).isEmpty();
        }
    }

    private static Member member(String id, long generation, boolean reachable) {
        return new Member(id, generation, Colour.GREEN, AT, reachable);
    }
}
