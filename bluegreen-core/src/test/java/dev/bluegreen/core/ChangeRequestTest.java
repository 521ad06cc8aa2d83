package dev.bluegreen.core;

import static dev.bluegreen.core.Fixtures.GREEN_2;
import static dev.bluegreen.core.Fixtures.T0;
import static dev.bluegreen.core.Fixtures.assertRefusedAndUnchanged;
import static dev.bluegreen.core.Fixtures.bothPools;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.tuple;

import dev.bluegreen.core.ChangeRefusedException.Refusal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One change as a value: what it holds, how it reads, and that {@code apply} does what the verbs do. */
class ChangeRequestTest {

    private final MutableClock clock = new MutableClock(T0);
    private final BlueGreen blueGreen = bothPools(clock).build();

    @AfterEach
    void close() {
        blueGreen.close();
    }

    @Test
    void factories_holdWhatTheyAskFor_withTheDefaults() {
        ChangeRequest shift = ChangeRequest.shift(Colour.GREEN, 20);

        assertThat(shift.kind()).isEqualTo(ChangeKind.SHIFT);
        assertThat(shift.target()).contains(Colour.GREEN);
        assertThat(shift.percent()).isEqualTo(20);
        assertThat(shift.deployment()).isEmpty();
        assertThat(shift.expectedGeneration()).isEqualTo(BlueGreen.ANY_GENERATION);
        assertThat(shift.actor()).isEqualTo(BlueGreen.DEFAULT_ACTOR);
        assertThat(shift.reason()).isEmpty();
        assertThat(shift.skipsGuards()).isFalse();
        assertThat(ChangeRequest.promote().target()).isEmpty();
        assertThat(List.of(ChangeRequest.switchTo(Colour.GREEN), ChangeRequest.promote(), ChangeRequest.rollback(),
                shift, ChangeRequest.deploy(Colour.GREEN, "v3", List.of(GREEN_2))))
                .extracting(ChangeRequest::attempt)
                .containsExactly("switch to GREEN", "promote", "rollback", "shift 20% to GREEN", "deploy to GREEN");
    }

    @Test
    void withMethods_returnNewRequests_andLeaveTheOriginal() {
        ChangeRequest plain = ChangeRequest.switchTo(Colour.GREEN);

        ChangeRequest full = plain.expectingGeneration(4).by("alice", "release 2.3").forced();

        assertThat(plain.expectedGeneration()).isEqualTo(BlueGreen.ANY_GENERATION);
        assertThat(plain.skipsGuards()).isFalse();
        assertThat(full.expectedGeneration()).isEqualTo(4);
        assertThat(full.actor()).isEqualTo("alice");
        assertThat(full.reason()).contains("release 2.3");
        assertThat(full.skipsGuards()).isTrue();
        assertThat(full).hasToString(
                "ChangeRequest[switch to GREEN at generation 4, actor='alice', reason='release 2.3', forced]");
        assertThat(plain).hasToString("ChangeRequest[switch to GREEN, actor='app', reason=(generated)]");
    }

    @Test
    void deploy_takesTheDeploymentsGeneration_andExpectingGenerationReplacesIt() {
        Deployment deployment = Deployment.of(Colour.GREEN, "v3", List.of(GREEN_2)).expectingGeneration(2);

        ChangeRequest request = ChangeRequest.deploy(deployment);
        ChangeRequest moved = request.expectingGeneration(5);

        assertThat(request.expectedGeneration()).isEqualTo(2);
        assertThat(moved.expectedGeneration()).isEqualTo(5);
        assertThat(moved.deployment()).hasValueSatisfying(d -> assertThat(d.expectedGeneration()).isEqualTo(5));
    }

    @Test
    void badInput_namesTheValueAndWhatWasExpected() {
        assertThatNullPointerException().isThrownBy(() -> ChangeRequest.switchTo(null)).withMessage("target");
        assertThatNullPointerException().isThrownBy(() -> ChangeRequest.deploy(null)).withMessage("deployment");
        assertThatIllegalArgumentException().isThrownBy(() -> ChangeRequest.shift(Colour.GREEN, 101))
                .withMessage("percent: 101 (expected: 0-100)");
        assertThatIllegalArgumentException().isThrownBy(() -> ChangeRequest.promote().expectingGeneration(-2))
                .withMessage("expectedGeneration: -2 (expected: >= 0, or ANY_GENERATION (-1))");
        assertThatIllegalArgumentException().isThrownBy(() -> ChangeRequest.promote().by(" ", null))
                .withMessageStartingWith("actor: ");
        assertThatNullPointerException().isThrownBy(() -> blueGreen.apply(null)).withMessage("request");
    }

    @Test
    void apply_makesTheChangeTheVerbWould_attributedAsTheRequestSays() {
        RoutingSnapshot made = blueGreen.apply(ChangeRequest.promote().expectingGeneration(0).by("alice", "go"));

        assertThat(made.generation()).isEqualTo(1);
        assertThat(made.live()).isEqualTo(Colour.GREEN);
        assertThat(made.lastChange()).isEqualTo(ChangeKind.PROMOTE);
        assertThat(made.actor()).isEqualTo("alice");
        assertThat(made.reason()).isEqualTo("go");
        assertThat(blueGreen.history()).extracting(Change::actor).containsExactly("alice");
    }

    @Test
    void apply_atAStaleGeneration_isRefusedAndRecordedWithTheRequestsActor() {
        blueGreen.switchTo(Colour.GREEN);

        assertRefusedAndUnchanged(blueGreen, Refusal.STALE_GENERATION, "expected generation 0 but it is 1",
                () -> blueGreen.apply(ChangeRequest.rollback().expectingGeneration(0).by("bob", "undo")));
        assertThat(blueGreen.refusals()).extracting(RefusedChange::actor, RefusedChange::reason)
                .containsExactly(tuple("bob", "undo"));
    }

    @Test
    void forcedRequest_skipsTheGuards_andTheSnapshotSaysSo() {
        blueGreen.addGuard(new SwitchGuard() {
            @Override
            public String name() {
                return "never";
            }

            @Override
            public CompletableFuture<GuardVerdict> check(GuardContext context) {
                return CompletableFuture.completedFuture(GuardVerdict.fail("never"));
            }
        });

        RoutingSnapshot made = blueGreen.apply(ChangeRequest.switchTo(Colour.GREEN).forced());

        assertThat(made.forced()).isTrue();
        assertThat(made.reason()).isEqualTo("switch BLUE -> GREEN (forced: guards skipped)");
    }

    @Test
    void attributedApply_recordsItsOwnActor_whateverTheRequestNames() {
        RoutingSnapshot made = blueGreen.as("carol", "on call").apply(ChangeRequest.switchTo(Colour.GREEN)
                .by("someone-else", "ignored"));

        assertThat(made.actor()).isEqualTo("carol");
        assertThat(made.reason()).isEqualTo("on call");
    }

    @Test
    void applyAsync_ofADeployment_completesWithTheNewPool() throws Exception {
        RoutingSnapshot made = blueGreen.applyAsync(ChangeRequest.deploy(Colour.GREEN, "v3", List.of(GREEN_2)))
                .get(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);

        assertThat(made.green().version()).isEqualTo("v3");
        assertThat(blueGreen.snapshot()).isEqualTo(made);
    }

    @Test
    void attributedVerbs_gainTheAnyGenerationAsyncForms() throws Exception {
        RoutingSnapshot made = blueGreen.as("dave", "async").switchToAsync(Colour.GREEN)
                .get(10, TimeUnit.SECONDS);

        assertThat(made.actor()).isEqualTo("dave");
        assertThat(made.live()).isEqualTo(Colour.GREEN);
    }
}
