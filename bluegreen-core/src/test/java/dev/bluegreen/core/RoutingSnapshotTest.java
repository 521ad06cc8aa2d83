package dev.bluegreen.core;

import static dev.bluegreen.core.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingSnapshotTest {

    private final Environment blue = Environment.of(Colour.BLUE, "v1", List.of(Fixtures.BLUE_1));
    private final Environment green = Environment.of(Colour.GREEN, "v2", List.of(Fixtures.GREEN_1));

    @Test
    void initial_isGenerationZeroWithNoRollbackTarget() {
        RoutingSnapshot snapshot = RoutingSnapshot.initial(Colour.GREEN, blue, green, T0);

        assertThat(snapshot.generation()).isZero();
        assertThat(snapshot.live()).isEqualTo(Colour.GREEN);
        assertThat(snapshot.rollbackTarget()).isNull();
        assertThat(snapshot.rollbackColour()).isEmpty();
        assertThat(snapshot.lastChange()).isEqualTo(ChangeKind.INITIAL);
        assertThat(snapshot.changedAt()).isEqualTo(T0);
        assertThat(snapshot.reason()).isEqualTo("initial");
        assertThat(snapshot.actor()).isEqualTo("system");
    }

    @Test
    void accessors_pickThePoolByColour() {
        RoutingSnapshot snapshot = RoutingSnapshot.initial(Colour.BLUE, blue, green, T0);

        assertThat(snapshot.environment(Colour.BLUE)).isSameAs(blue);
        assertThat(snapshot.environment(Colour.GREEN)).isSameAs(green);
        assertThat(snapshot.liveEnvironment()).isSameAs(blue);
        assertThat(snapshot.idle()).isEqualTo(Colour.GREEN);
        assertThat(snapshot.idleEnvironment()).isSameAs(green);
    }

    @Test
    void rollbackColour_isTheRollbackTarget() {
        RoutingSnapshot snapshot =
                new RoutingSnapshot(3, Colour.GREEN, blue, green, Colour.BLUE, ChangeKind.SWITCH, T0, "switch", "ops");

        assertThat(snapshot.rollbackColour()).contains(Colour.BLUE);
    }

    @Test
    void constructor_negativeGeneration_isRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RoutingSnapshot(-1, Colour.BLUE, blue, green, null, ChangeKind.INITIAL, T0, "x",
                        "ops"))
                .withMessage("generation: -1 (expected: >= 0)");
    }

    @Test
    void constructor_poolsOfTheWrongColour_areRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RoutingSnapshot.initial(Colour.BLUE, green, green, T0))
                .withMessage("blue: an environment of GREEN (expected: BLUE)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RoutingSnapshot.initial(Colour.BLUE, blue, blue, T0))
                .withMessage("green: an environment of BLUE (expected: GREEN)");
    }

    @Test
    void constructor_rollbackTargetIsLive_isRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RoutingSnapshot(1, Colour.BLUE, blue, green, Colour.BLUE, ChangeKind.SWITCH, T0,
                        "switch", "ops"))
                .withMessage("rollbackTarget: BLUE (expected: the idle colour GREEN or null, not the live colour)");
    }

    @Test
    void constructor_actorAndReasonAtTheirLimits_areAccepted() {
        RoutingSnapshot snapshot = new RoutingSnapshot(1, Colour.GREEN, blue, green, Colour.BLUE, ChangeKind.SWITCH,
                T0, "r".repeat(500), "a".repeat(200));

        assertThat(snapshot.reason()).hasSize(500);
        assertThat(snapshot.actor()).hasSize(200);
    }

    @Test
    void constructor_emojiAtTheLimits_areAccepted_eachCountingAsOneCharacter() {
        String emoji = "\uD83D\uDE00";
        RoutingSnapshot snapshot = new RoutingSnapshot(1, Colour.GREEN, blue, green, Colour.BLUE, ChangeKind.SWITCH,
                T0, emoji.repeat(RoutingSnapshot.MAX_REASON_LENGTH), emoji.repeat(RoutingSnapshot.MAX_ACTOR_LENGTH));

        assertThat(snapshot.reason().codePointCount(0, snapshot.reason().length())).isEqualTo(500);
        assertThat(snapshot.actor().codePointCount(0, snapshot.actor().length())).isEqualTo(200);
    }

    @Test
    void constructor_emojiOnePastTheLimit_isRefusedSayingHowManyCharacters() {
        String emoji = "\uD83D\uDE00";
        assertThatIllegalArgumentException()
                .isThrownBy(() -> switchedBy("alice", emoji.repeat(501)))
                .withMessage("reason: '" + emoji.repeat(40) + "...' (501 characters; expected: not blank, at most 500"
                        + " characters, no control characters)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> switchedBy(emoji.repeat(201), "release"))
                .withMessageContaining("(201 characters; expected: not blank, at most 200 characters");
    }

    @Test
    void constructor_actorTooLong_isRefusedShowingItsStartAndLength() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> switchedBy("a".repeat(201), "release"))
                .withMessage("actor: '" + "a".repeat(40) + "...' (201 characters; expected: not blank, at most 200"
                        + " characters, no control characters)");
    }

    @Test
    void constructor_reasonTooLong_isRefusedShowingItsStartAndLength() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> switchedBy("alice", "r".repeat(501)))
                .withMessage("reason: '" + "r".repeat(40) + "...' (501 characters; expected: not blank, at most 500"
                        + " characters, no control characters)");
    }

    @Test
    void constructor_controlCharacters_areRefusedAndShownEscaped() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> switchedBy("ali\nce", "release"))
                .withMessage("actor: 'ali\\u000ace' (expected: not blank, at most 200 characters, no control"
                        + " characters)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> switchedBy("alice", "release\u001b[31m"))
                .withMessage("reason: 'release\\u001b[31m' (expected: not blank, at most 500 characters, no control"
                        + " characters)");
    }

    @Test
    void constructor_blankActorOrReason_isRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> switchedBy(" ", "release"))
                .withMessageStartingWith("actor: ' ' (expected: not blank");
        assertThatIllegalArgumentException().isThrownBy(() -> switchedBy("alice", ""))
                .withMessageStartingWith("reason: '' (expected: not blank");
    }

    @Test
    void constructor_nullActorOrReason_namesIt() {
        assertThatNullPointerException().isThrownBy(() -> switchedBy(null, "release")).withMessage("actor");
        assertThatNullPointerException().isThrownBy(() -> switchedBy("alice", null)).withMessage("reason");
    }

    @Test
    void initial_nulls_nameTheComponent() {
        assertThatNullPointerException().isThrownBy(() -> RoutingSnapshot.initial(null, blue, green, T0))
                .withMessage("live");
        assertThatNullPointerException().isThrownBy(() -> RoutingSnapshot.initial(Colour.BLUE, blue, green, null))
                .withMessage("changedAt");
    }

    @Test
    void change_readsBothSnapshots() {
        RoutingSnapshot before = RoutingSnapshot.initial(Colour.BLUE, blue, green, T0);
        RoutingSnapshot after = new RoutingSnapshot(1, Colour.GREEN, blue, green, Colour.BLUE, ChangeKind.SWITCH,
                T0.plusSeconds(5), "switch BLUE -> GREEN", "alice");

        Change change = new Change(before, after);

        assertThat(change.generation()).isEqualTo(1);
        assertThat(change.kind()).isEqualTo(ChangeKind.SWITCH);
        assertThat(change.from()).isEqualTo(Colour.BLUE);
        assertThat(change.to()).isEqualTo(Colour.GREEN);
        assertThat(change.at()).isEqualTo(T0.plusSeconds(5));
        assertThat(change.reason()).isEqualTo("switch BLUE -> GREEN");
        assertThat(change.actor()).isEqualTo("alice");
        assertThat(change.liveColourChanged()).isTrue();
    }

    private RoutingSnapshot switchedBy(String actor, String reason) {
        return new RoutingSnapshot(1, Colour.GREEN, blue, green, Colour.BLUE, ChangeKind.SWITCH, T0, reason, actor);
    }

    @Test
    void change_notNewer_isRefused() {
        RoutingSnapshot snapshot = RoutingSnapshot.initial(Colour.BLUE, blue, green, T0);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Change(snapshot, snapshot))
                .withMessage("current.generation: 0 (expected: > previous.generation 0)");
    }
}
