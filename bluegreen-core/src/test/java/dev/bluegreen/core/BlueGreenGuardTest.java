package dev.bluegreen.core;

import static dev.bluegreen.core.Fixtures.T0;
import static dev.bluegreen.core.Fixtures.assertRefusedAndUnchanged;
import static dev.bluegreen.core.Fixtures.bothPools;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.ChangeRefusedException.Refusal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Guards before switch, promote and shift; forced changes; the async verbs. */
class BlueGreenGuardTest {

    private final MutableClock clock = new MutableClock(T0);
    // Long enough for any guard that does answer, on a loaded machine; the silent guard gets its own short timeout.
    private final BlueGreen blueGreen = bothPools(clock).guardTimeout(Duration.ofSeconds(30)).build();

    @AfterEach
    void close() {
        blueGreen.close();
    }

    /** A guard that answers with {@code verdict} and remembers what it was asked. */
    private static final class RecordingGuard implements SwitchGuard {
        final String name;
        final Function<GuardContext, CompletionStage<GuardVerdict>> verdict;
        final List<GuardContext> asked = new CopyOnWriteArrayList<>();

        RecordingGuard(String name, Function<GuardContext, CompletionStage<GuardVerdict>> verdict) {
            this.name = name;
            this.verdict = verdict;
        }

        static RecordingGuard answering(String name, GuardVerdict verdict) {
            return new RecordingGuard(name, context -> CompletableFuture.completedFuture(verdict));
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public CompletionStage<GuardVerdict> check(GuardContext context) {
            asked.add(context);
            return verdict.apply(context);
        }
    }

    @Test
    void passingGuards_runInOrder_andTheSwitchApplies() {
        List<String> order = new CopyOnWriteArrayList<>();
        blueGreen.addGuard(new RecordingGuard("first", context -> {
            order.add("first");
            return CompletableFuture.completedFuture(GuardVerdict.pass());
        }));
        RecordingGuard second = new RecordingGuard("second", context -> {
            order.add("second");
            return CompletableFuture.supplyAsync(() -> GuardVerdict.pass("looked fine"));
        });
        blueGreen.addGuard(second);

        RoutingSnapshot after = blueGreen.switchTo(Colour.GREEN);

        assertThat(after.live()).isEqualTo(Colour.GREEN);
        assertThat(after.forced()).isFalse();
        assertThat(order).containsExactly("first", "second");
        GuardContext context = second.asked.get(0);
        assertThat(context.target()).isEqualTo(Colour.GREEN);
        assertThat(context.kind()).isEqualTo(ChangeKind.SWITCH);
        assertThat(context.current().generation()).isZero();
        assertThat(context.targetEnvironment()).isEqualTo(context.current().green());
    }

    @Test
    void failingGuard_refusesWithItsNameAndReason_changesNothing_andStopsTheChain() {
        RecordingGuard later = RecordingGuard.answering("later", GuardVerdict.pass());
        blueGreen.addGuard(RecordingGuard.answering("healthy-target", GuardVerdict.fail("GREEN has 0 healthy")));
        blueGreen.addGuard(later);

        ChangeRefusedException refused = assertRefusedAndUnchanged(blueGreen, Refusal.GUARD_FAILED,
                "promote refused by guard healthy-target: GREEN has 0 healthy", blueGreen::promote);

        assertThat(refused.guard()).contains("healthy-target");
        assertThat(later.asked).isEmpty();
    }

    @Test
    void guardThatThrowsOrFailsItsStageOrNeverAnswers_refuses() {
        AutoCloseable throwing = blueGreen.addGuard(new RecordingGuard("throws", context -> {
            throw new IllegalStateException("boom");
        }));
        assertRefusedAndUnchanged(blueGreen, Refusal.GUARD_FAILED, "guard throws: the check failed",
                () -> blueGreen.switchTo(Colour.GREEN));
        close(throwing);

        AutoCloseable failing = blueGreen.addGuard(new RecordingGuard("fails",
                context -> CompletableFuture.failedFuture(new IllegalStateException("smoke check crashed"))));
        assertRefusedAndUnchanged(blueGreen, Refusal.GUARD_FAILED, "smoke check crashed",
                () -> blueGreen.switchTo(Colour.GREEN));
        close(failing);

        try (BlueGreen impatient = bothPools(clock).guardTimeout(Duration.ofMillis(300))
                .guard(new RecordingGuard("silent", context -> new CompletableFuture<>())).build()) {
            assertRefusedAndUnchanged(impatient, Refusal.GUARD_FAILED, "guard silent: no verdict within 300 ms",
                    () -> impatient.switchTo(Colour.GREEN));
        }
    }

    @Test
    void aGuardThatBlocksInCheck_isRefusedAtTheGuardTimeout_withoutBlockingTheCaller() throws Exception {
        CountDownLatch unblock = new CountDownLatch(1);
        RecordingGuard blocker = new RecordingGuard("blocker", context -> {
            try {
                // Against the contract, as a guard doing blocking I/O would; bounded so a regression fails, not hangs.
                unblock.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedFuture(GuardVerdict.pass());
        });
        try (BlueGreen impatient = bothPools(clock).guardTimeout(Duration.ofSeconds(1)).guard(blocker).build()) {
            CompletableFuture<RoutingSnapshot> switched = impatient.switchToAsync(Colour.GREEN);

            // Had it waited for the guard, the refusal would be in already: it comes at the guard timeout.
            assertThat(switched).as("switchToAsync returned while the guard blocked").isNotDone();
            assertThatThrownBy(() -> switched.get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ChangeRefusedException.class)
                    .hasMessageContaining("refused by guard blocker: no verdict within 1000 ms");
            assertThat(impatient.snapshot().live()).isEqualTo(Colour.BLUE);
        } finally {
            unblock.countDown();
        }
    }

    @Test
    void aGuard_isNeverAskedOnTheThreadThePreviousGuardAnsweredOn() {
        ExecutorService loop = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "event-loop"));
        List<String> askedOn = new CopyOnWriteArrayList<>();
        try {
            blueGreen.addGuard(new RecordingGuard("answers-on-a-loop", context ->
                    CompletableFuture.supplyAsync(GuardVerdict::pass, loop)));
            blueGreen.addGuard(new RecordingGuard("second", context -> {
                askedOn.add(Thread.currentThread().getName());
                return CompletableFuture.completedFuture(GuardVerdict.pass());
            }));

            assertThat(blueGreen.switchTo(Colour.GREEN).live()).isEqualTo(Colour.GREEN);

            assertThat(askedOn).containsExactly("bluegreen-guards");
        } finally {
            loop.shutdown();
        }
    }

    @Test
    void closedGuardRegistration_noLongerRuns() throws Exception {
        AutoCloseable registration = blueGreen.addGuard(RecordingGuard.answering("no", GuardVerdict.fail("no")));
        registration.close();
        registration.close();

        assertThat(blueGreen.guards()).isEmpty();
        assertThat(blueGreen.switchTo(Colour.GREEN).live()).isEqualTo(Colour.GREEN);
    }

    @Test
    void aChangeThatWouldBeRefusedAnyway_runsNoGuard() {
        RecordingGuard guard = RecordingGuard.answering("counted", GuardVerdict.pass());
        blueGreen.addGuard(guard);

        assertRefusedAndUnchanged(blueGreen, Refusal.ALREADY_LIVE, "already live",
                () -> blueGreen.switchTo(Colour.BLUE));
        assertRefusedAndUnchanged(blueGreen, Refusal.STALE_GENERATION, "expected generation 5",
                () -> blueGreen.switchTo(Colour.GREEN, 5));

        assertThat(guard.asked).isEmpty();
    }

    @Test
    void forcedChange_skipsTheGuards_andSaysSo() {
        RecordingGuard guard = RecordingGuard.answering("no", GuardVerdict.fail("never"));
        blueGreen.addGuard(guard);

        RoutingSnapshot after = blueGreen.as("alice", null).forced().switchTo(Colour.GREEN);

        assertThat(after.live()).isEqualTo(Colour.GREEN);
        assertThat(after.forced()).isTrue();
        assertThat(after.actor()).isEqualTo("alice");
        assertThat(after.reason()).isEqualTo("switch BLUE -> GREEN (forced: guards skipped)");
        assertThat(blueGreen.history().get(0).current().forced()).isTrue();
        assertThat(guard.asked).isEmpty();
    }

    @Test
    void rollbackAndDeploy_runNoGuard() {
        blueGreen.switchTo(Colour.GREEN);
        RecordingGuard guard = RecordingGuard.answering("no", GuardVerdict.fail("never"));
        blueGreen.addGuard(guard);

        assertThat(blueGreen.rollback().live()).isEqualTo(Colour.BLUE);
        assertThat(blueGreen.deploy(Colour.GREEN, "v3", List.of(Fixtures.GREEN_2)).green().version()).isEqualTo("v3");
        assertThat(guard.asked).isEmpty();
    }

    @Test
    void asyncSwitch_returnsAtOnce_andCompletesWhenTheGuardAnswers() throws Exception {
        CompletableFuture<GuardVerdict> answer = new CompletableFuture<>();
        blueGreen.addGuard(new RecordingGuard("manual", context -> answer));

        CompletableFuture<RoutingSnapshot> switched = blueGreen.switchToAsync(Colour.GREEN);

        assertThat(switched).isNotDone();
        assertThat(blueGreen.snapshot().live()).isEqualTo(Colour.BLUE);
        answer.complete(GuardVerdict.pass());
        assertThat(switched.get(10, TimeUnit.SECONDS).live()).isEqualTo(Colour.GREEN);
    }

    @Test
    void guardedChanges_applyOnTheCallersThreadOrOneChangeThread_neverOnANewThreadEach() throws Exception {
        blueGreen.addGuard(RecordingGuard.answering("quick", GuardVerdict.pass()));
        List<Thread> applyingThreads = new CopyOnWriteArrayList<>();
        blueGreen.addListener(change -> applyingThreads.add(Thread.currentThread()));

        blueGreen.switchTo(Colour.GREEN);
        assertThat(applyingThreads).containsExactly(Thread.currentThread());

        // The JDK's common pool would start a thread per task on a machine with fewer than three cores.
        for (Colour colour : List.of(Colour.BLUE, Colour.GREEN, Colour.BLUE, Colour.GREEN)) {
            blueGreen.switchToAsync(colour).get(10, TimeUnit.SECONDS);
        }
        blueGreen.applyAsync(ChangeRequest.deploy(Colour.BLUE, "v2", List.of(Fixtures.GREEN_2))).get(10,
                TimeUnit.SECONDS);
        List<Thread> asyncThreads = applyingThreads.subList(1, applyingThreads.size());
        assertThat(asyncThreads).hasSize(5).allSatisfy(thread -> {
            assertThat(thread.getName()).isEqualTo("bluegreen-changes");
            assertThat(thread.isDaemon()).isTrue();
        });
        assertThat(asyncThreads.stream().distinct()).hasSize(1);
    }

    @Test
    void addGuard_afterClose_isRefusedNamingTheState_asAChangeIs() throws Exception {
        AutoCloseable before = blueGreen.addGuard(RecordingGuard.answering("ok", GuardVerdict.pass()));
        blueGreen.close();

        assertThatThrownBy(() -> blueGreen.addGuard(RecordingGuard.answering("late", GuardVerdict.pass())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("addGuard refused: this BlueGreen is closed (expected: an open BlueGreen; the guard would"
                        + " never run)");
        assertThat(blueGreen.guards()).extracting(SwitchGuard::name).containsExactly("ok");
        before.close();
        assertThat(blueGreen.guards()).isEmpty();
    }

    @Test
    void asyncChange_guardsAnsweringAfterTheClose_completesWithTheClose() {
        CompletableFuture<GuardVerdict> answer = new CompletableFuture<>();
        blueGreen.addGuard(new RecordingGuard("late", context -> answer));
        CompletableFuture<RoutingSnapshot> switched = blueGreen.switchToAsync(Colour.GREEN);

        blueGreen.close();
        answer.complete(GuardVerdict.pass());

        assertThatThrownBy(() -> switched.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("switch to GREEN").hasMessageContaining("closed");
        assertThat(blueGreen.snapshot().live()).isEqualTo(Colour.BLUE);
    }

    @Test
    void asyncRefusal_completesExceptionallyWithTheRefusal() {
        blueGreen.addGuard(RecordingGuard.answering("no", GuardVerdict.fail("not ready")));

        assertThatThrownBy(() -> blueGreen.promoteAsync().get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ChangeRefusedException.class).hasMessageContaining("not ready");
        assertThat(blueGreen.refusals()).hasSize(1);
    }

    @Test
    void stateThatChangedWhileTheGuardsRan_refusesAsStale() {
        CompletableFuture<GuardVerdict> answer = new CompletableFuture<>();
        blueGreen.addGuard(new RecordingGuard("manual", context -> answer));
        CompletableFuture<RoutingSnapshot> switched = blueGreen.switchToAsync(Colour.GREEN);

        blueGreen.deploy(Colour.GREEN, "v9", List.of(Fixtures.GREEN_2));
        answer.complete(GuardVerdict.pass());

        assertThatThrownBy(() -> switched.get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("changed while the guards ran");
        assertThat(blueGreen.snapshot().live()).isEqualTo(Colour.BLUE);
    }

    @Test
    void unrelatedChangeWhileTheGuardsRan_doesNotStopTheSwitch() throws Exception {
        CompletableFuture<GuardVerdict> answer = new CompletableFuture<>();
        blueGreen.addGuard(new RecordingGuard("manual", context -> answer));
        CompletableFuture<RoutingSnapshot> switched = blueGreen.switchToAsync(Colour.GREEN);

        blueGreen.forced().deploy(Deployment.of(Colour.BLUE, "v1.1", List.of(Fixtures.BLUE_1)).forced());
        answer.complete(GuardVerdict.pass());

        RoutingSnapshot after = switched.get(10, TimeUnit.SECONDS);
        assertThat(after.generation()).isEqualTo(2);
        assertThat(after.live()).isEqualTo(Colour.GREEN);
        assertThat(after.blue().version()).isEqualTo("v1.1");
    }

    private static void close(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
