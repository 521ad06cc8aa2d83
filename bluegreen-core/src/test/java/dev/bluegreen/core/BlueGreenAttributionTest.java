package dev.bluegreen.core;

import static dev.bluegreen.core.Fixtures.BLUE_2;
import static dev.bluegreen.core.Fixtures.GREEN_2;
import static dev.bluegreen.core.Fixtures.T0;
import static dev.bluegreen.core.Fixtures.bothPools;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** Who asked for each change and why: {@code as(actor, reason)}, the defaults, validation and the log line. */
class BlueGreenAttributionTest {

    private final MutableClock clock = new MutableClock(T0);
    private final BlueGreen blueGreen = bothPools(clock).build();

    @AfterEach
    void close() {
        blueGreen.close();
    }

    @Test
    void as_recordsTheActorAndReasonOfEveryVerb() {
        BlueGreen.Attributed alice = blueGreen.as("alice", "release 2.3");

        List<RoutingSnapshot> made = List.of(
                alice.deploy(Colour.GREEN, "v3", List.of(GREEN_2)),
                alice.deploy(Deployment.of(Colour.GREEN, "v4", List.of(GREEN_2)).expectingGeneration(1)),
                alice.switchTo(Colour.GREEN),
                alice.switchTo(Colour.BLUE, 3),
                alice.promote(),
                alice.promote(5),
                alice.rollback(),
                alice.switchTo(Colour.BLUE),
                alice.rollback(8));

        assertThat(made).extracting(RoutingSnapshot::generation).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(made).extracting(RoutingSnapshot::lastChange).containsExactly(ChangeKind.DEPLOY, ChangeKind.DEPLOY,
                ChangeKind.SWITCH, ChangeKind.SWITCH, ChangeKind.PROMOTE, ChangeKind.PROMOTE, ChangeKind.ROLLBACK,
                ChangeKind.SWITCH, ChangeKind.ROLLBACK);
        assertThat(made).allSatisfy(snapshot -> {
            assertThat(snapshot.actor()).isEqualTo("alice");
            assertThat(snapshot.reason()).isEqualTo("release 2.3");
        });
        assertThat(blueGreen.history()).extracting(Change::actor, Change::reason)
                .containsOnly(tuple("alice", "release 2.3"));
    }

    @Test
    void as_behavesLikeThePlainVerb() {
        RoutingSnapshot switched = blueGreen.as("alice", "release 2.3").switchTo(Colour.GREEN);

        assertThat(switched.live()).isEqualTo(Colour.GREEN);
        assertThat(switched.rollbackTarget()).isEqualTo(Colour.BLUE);
        assertThat(switched.changedAt()).isEqualTo(T0);
        assertThat(blueGreen.snapshot()).isSameAs(switched);
    }

    @Test
    void plainVerbs_recordTheAppActorAndTheGeneratedSentence() {
        blueGreen.deploy(Colour.GREEN, "v3", List.of(GREEN_2));
        blueGreen.switchTo(Colour.GREEN);
        blueGreen.rollback();
        blueGreen.promote();

        assertThat(blueGreen.history()).extracting(Change::actor, Change::reason).containsExactly(
                tuple("app", "deploy GREEN v3 (1 backend)"),
                tuple("app", "switch BLUE -> GREEN"),
                tuple("app", "rollback GREEN -> BLUE"),
                tuple("app", "promote BLUE -> GREEN"));
        assertThat(BlueGreen.DEFAULT_ACTOR).isEqualTo("app");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   "})
    void as_withoutAReason_recordsTheGeneratedSentence(String reason) {
        RoutingSnapshot switched = blueGreen.as("deploy-bot", reason).switchTo(Colour.GREEN);
        RoutingSnapshot deployed = blueGreen.as("deploy-bot", reason).deploy(Colour.BLUE, "v5", List.of(BLUE_2));

        assertThat(switched.actor()).isEqualTo("deploy-bot");
        assertThat(switched.reason()).isEqualTo("switch BLUE -> GREEN");
        assertThat(deployed.reason()).isEqualTo("deploy BLUE v5 (1 backend)");
    }

    @Test
    void as_keptAndReused_attributesEveryChange() {
        BlueGreen.Attributed bot = blueGreen.as("deploy-bot", null);

        bot.promote();
        bot.promote();

        assertThat(blueGreen.history()).extracting(Change::actor).containsExactly("deploy-bot", "deploy-bot");
        assertThat(bot).hasToString("BlueGreen.Attributed[actor='deploy-bot', reason=(generated)]");
    }

    @Test
    void as_actorTooLong_isAnIllegalArgumentAtOnce() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> blueGreen.as("x".repeat(201), "release"))
                .withMessage("actor: '" + "x".repeat(40) + "...' (201 characters; expected: not blank, at most 200"
                        + " characters, no control characters)");
        assertThat(blueGreen.as("x".repeat(200), "release").promote().actor()).hasSize(200);
    }

    @Test
    void as_reasonTooLong_isAnIllegalArgumentAtOnce() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> blueGreen.as("alice", "y".repeat(501)))
                .withMessageStartingWith("reason: '" + "y".repeat(40) + "...' (501 characters; expected: not blank,"
                        + " at most 500 characters");
        assertThat(blueGreen.as("alice", "y".repeat(500)).promote().reason()).hasSize(500);
    }

    @Test
    void as_reasonOf500Emoji_isWithinTheLimitOf500Characters() {
        String emoji = "\uD83D\uDE00";

        assertThat(blueGreen.as("alice", emoji.repeat(500)).promote().reason()).isEqualTo(emoji.repeat(500));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> blueGreen.as("alice", emoji.repeat(501)))
                .withMessageContaining("(501 characters; expected: not blank, at most 500 characters");
    }

    @Test
    void as_controlCharacters_areAnIllegalArgumentShownEscaped() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> blueGreen.as("alice\r\nINFO forged line", "release"))
                .withMessage("actor: 'alice\\u000d\\u000aINFO forged line' (expected: not blank, at most 200"
                        + " characters, no control characters)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> blueGreen.as("alice", "release\t2.3"))
                .withMessage("reason: 'release\\u00092.3' (expected: not blank, at most 500 characters, no control"
                        + " characters)");
        // Blank but made of control characters is bad input, not "no reason given".
        assertThatIllegalArgumentException()
                .isThrownBy(() -> blueGreen.as("alice", "\n"))
                .withMessageStartingWith("reason: '\\u000a'");
    }

    @Test
    void as_nullOrBlankActor_isRefused() {
        assertThatNullPointerException().isThrownBy(() -> blueGreen.as(null, "release")).withMessage("actor");
        assertThatIllegalArgumentException().isThrownBy(() -> blueGreen.as("  ", "release"))
                .withMessageStartingWith("actor: '  ' (expected: not blank");
    }

    @Test
    void as_invalidInput_changesAndRecordsNothing() {
        RoutingSnapshot before = blueGreen.snapshot();

        assertThatIllegalArgumentException().isThrownBy(() -> blueGreen.as("alice", "y".repeat(501)));

        assertThat(blueGreen.snapshot()).isSameAs(before);
        assertThat(blueGreen.history()).isEmpty();
        assertThat(blueGreen.refusals()).isEmpty();
    }

    @Test
    void deploy_longestVersion_fitsTheGeneratedReasonWhole() {
        String version = "v".repeat(Environment.MAX_VERSION_LENGTH);

        RoutingSnapshot deployed = blueGreen.deploy(Colour.GREEN, version, List.of(GREEN_2));

        assertThat(deployed.green().version()).isEqualTo(version);
        assertThat(deployed.reason()).isEqualTo("deploy GREEN " + version + " (1 backend)");
    }

    @Test
    void logLines_nameTheActor() {
        Logger logger = (Logger) LoggerFactory.getLogger(BlueGreen.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            blueGreen.as("alice", "release 2.3").switchTo(Colour.GREEN);
            blueGreen.promote();
            try {
                blueGreen.as("bob", "hotfix").switchTo(Colour.BLUE);
            } catch (ChangeRefusedException expected) {
                // The refusal's log line is what this test reads.
            }
        } finally {
            logger.detachAppender(appender);
        }

        assertThat(appender.list).extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage)
                .containsExactly(
                        tuple(Level.INFO, "routing generation 1: SWITCH BLUE -> GREEN by alice: release 2.3;"
                                + " live GREEN v2 (1 backend)"),
                        tuple(Level.INFO, "routing generation 2: PROMOTE GREEN -> BLUE by app: promote GREEN -> BLUE;"
                                + " live BLUE v1 (2 backends)"),
                        tuple(Level.INFO, "refused: switch to BLUE refused: BLUE is already live (actor bob: hotfix;"
                                + " generation 2, live BLUE)"));
    }

    @Test
    void logLines_sayWhatChanged_whenTheCallersOwnReasonDoesNot() {
        Logger logger = (Logger) LoggerFactory.getLogger(BlueGreen.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            blueGreen.as("carol", "hotfix").forced().switchTo(Colour.GREEN);
            blueGreen.as("carol", "release 7").deploy(Colour.BLUE, "v7", List.of(BLUE_2));
            blueGreen.as("carol", "try it").shift(Colour.BLUE, 10);
            blueGreen.as("carol", "not yet").rollback();
            blueGreen.as("carol", "back").switchTo(Colour.BLUE);
            blueGreen.as("carol", "undo").rollback();
        } finally {
            logger.detachAppender(appender);
        }

        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "routing generation 1: SWITCH BLUE -> GREEN (forced) by carol: hotfix; live GREEN v2 (1 backend)",
                "routing generation 2: DEPLOY BLUE v7 by carol: release 7; live GREEN v2 (1 backend)",
                "routing generation 3: SHIFT 0% -> 10% to BLUE by carol: try it; live GREEN v2 (1 backend)",
                "routing generation 4: ROLLBACK 10% -> 0% to BLUE by carol: not yet; live GREEN v2 (1 backend)",
                "routing generation 5: SWITCH GREEN -> BLUE by carol: back; live BLUE v7 (1 backend)",
                "routing generation 6: ROLLBACK BLUE -> GREEN by carol: undo; live GREEN v2 (1 backend)");
        assertThat(blueGreen.history()).extracting(Change::forced)
                .containsExactly(true, false, false, false, false, false);
    }
}
