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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link SwitchGuard}s of one change, one after the other, each bounded by the guard timeout. A guard that
 * throws, fails its stage, answers {@code null} or does not answer in time counts as failed: a guard that can't say
 * yes must not let traffic move.
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
     * @return completes with {@code null} when every guard passed, else with the refusal of the first that failed
     *         (never exceptionally)
     */
    public static CompletableFuture<ChangeRefusedException> run(List<SwitchGuard> guards, GuardContext context,
                                                                String attempt, Duration timeout) {
        CompletableFuture<ChangeRefusedException> chain = CompletableFuture.completedFuture(null);
        for (SwitchGuard guard : guards) {
            chain = chain.thenCompose(refusal -> refusal != null
                    ? CompletableFuture.completedFuture(refusal)
                    : checkOne(guard, context, attempt, timeout));
        }
        return chain;
    }

    private static CompletableFuture<ChangeRefusedException> checkOne(SwitchGuard guard, GuardContext context,
                                                                      String attempt, Duration timeout) {
        String name = nameOf(guard);
        CompletableFuture<GuardVerdict> verdict = new CompletableFuture<>();
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
        return verdict.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).handle((answer, failure) -> {
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

    private static String nameOf(SwitchGuard guard) {
        try {
            String name = guard.name();
            return name == null || name.isBlank() ? guard.getClass().getName() : name;
        } catch (RuntimeException e) {
            return guard.getClass().getName();
        }
    }
}
