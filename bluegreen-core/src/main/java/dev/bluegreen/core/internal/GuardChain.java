package dev.bluegreen.core.internal;

import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.GuardContext;
import dev.bluegreen.core.GuardVerdict;
import dev.bluegreen.core.SwitchGuard;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link SwitchGuard}s of one change, one after the other, each bounded by the guard timeout. A guard that
 * throws, fails its stage, answers {@code null} or does not answer in time counts as failed: a guard that can't say
 * yes must not let traffic move.
 *
 * <p>Each guard is asked on the executor given, never on the thread the previous guard answered on: that may be a
 * proxy's event loop (its {@code healthy-target} guard answers there), and a guard that blocks in {@code check},
 * against its contract, would stall every connection of that loop. Its timeout runs from the moment it is handed to
 * the executor, so one that blocks is refused in time like one that never answers.
 *
 * <p>Stateless; the futures it returns complete on whichever thread the last guard answered on (or the JDK's delay
 * scheduler, on a timeout).
 */
public final class GuardChain {

    private static final Logger log = LoggerFactory.getLogger(GuardChain.class);

    /** Long enough for a guard's reasons about a handful of backends; a refusal record is kept in memory. */
    private static final int MAX_MESSAGE_LENGTH = 2_000;

    private GuardChain() {
    }

    /**
     * Runs {@code guards} in order until one fails.
     *
     * @param guards the guards
     * @param context what they are asked about
     * @param attempt the change in words, such as {@code "switch to GREEN"}, for the refusal's message
     * @param timeout how long each guard may take
     * @param asker   where each guard's {@code check} is called
     * @return completes with {@code null} when every guard passed, else with the refusal of the first that failed
     *         (never exceptionally)
     */
    public static CompletableFuture<ChangeRefusedException> run(List<SwitchGuard> guards, GuardContext context,
                                                                String attempt, Duration timeout, Executor asker) {
        CompletableFuture<ChangeRefusedException> chain = CompletableFuture.completedFuture(null);
        for (SwitchGuard guard : guards) {
            chain = chain.thenCompose(refusal -> refusal != null
                    ? CompletableFuture.completedFuture(refusal)
                    : checkOne(guard, context, attempt, timeout, asker));
        }
        return chain;
    }

    private static CompletableFuture<ChangeRefusedException> checkOne(SwitchGuard guard, GuardContext context,
                                                                      String attempt, Duration timeout,
                                                                      Executor asker) {
        String name = nameOf(guard);
        // The clock starts before the guard is asked: a check that blocks its thread is bounded too.
        CompletableFuture<GuardVerdict> verdict = new CompletableFuture<GuardVerdict>()
                .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            asker.execute(() -> ask(guard, context, verdict));
        } catch (RejectedExecutionException e) {
            verdict.completeExceptionally(new IllegalStateException("closed before the guard was asked", e));
        }
        return verdict.handle((answer, failure) -> {
            String why;
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                why = cause instanceof TimeoutException
                        ? "no verdict within " + timeout.toMillis() + " ms"
                        : "the check failed: " + cause;
                log.warn("guard {} failed on {}", name, attempt, cause);
            } else if (answer == null) {
                why = "the check gave no verdict";
            } else if (answer.passed()) {
                log.debug("guard {} passed {}: {}", name, attempt, answer.reason());
                return null;
            } else {
                why = answer.reason();
            }
            String message = Texts.abbreviate(attempt + " refused by guard " + name + ": " + why,
                    MAX_MESSAGE_LENGTH);
            return ChangeRefusedException.byGuard(name, message);
        });
    }

    /** Asks {@code guard} and completes {@code verdict} with its answer, whatever form the answer takes. */
    private static void ask(SwitchGuard guard, GuardContext context, CompletableFuture<GuardVerdict> verdict) {
        if (verdict.isDone()) {
            // Timed out while waiting for its turn: asking now would only run a check nobody waits for.
            return;
        }
        try {
            CompletionStage<GuardVerdict> stage = guard.check(context);
            if (stage == null) {
                verdict.complete(null);
            } else {
                stage.whenComplete((answer, failure) -> {
                    if (failure != null) {
                        verdict.completeExceptionally(failure);
                    } else {
                        verdict.complete(answer);
                    }
                });
            }
        } catch (RuntimeException e) {
            verdict.completeExceptionally(e);
        }
    }

    private static String nameOf(SwitchGuard guard) {
        try {
            String name = guard.name();
            return name == null || name.isBlank() ? guard.getClass().getName() : name;
        } catch (RuntimeException e) {
            return guard.getClass().getName();
        }
    }
}
