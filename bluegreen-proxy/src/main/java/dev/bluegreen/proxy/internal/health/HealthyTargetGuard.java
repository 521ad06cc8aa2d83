package dev.bluegreen.proxy.internal.health;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.GuardContext;
import dev.bluegreen.core.GuardVerdict;
import dev.bluegreen.core.SwitchGuard;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * The proxy's default switch guard, {@value #NAME}: before traffic moves to a pool, every backend of that pool is
 * checked now (the periodic verdict may be an interval old, and a backend never checked has no verdict at all), and
 * the change goes ahead only if enough of them count as healthy. The checks run on the event loops; the verdict
 * completes on one, never blocking the caller.
 */
public final class HealthyTargetGuard implements SwitchGuard {

    /** The guard's name, as refusals give it. */
    public static final String NAME = "healthy-target";

    private final ActiveHealthChecks checks;
    private final HealthSettings settings;

    /**
     * @param checks   what runs the checks of the target pool
     * @param settings how many healthy backends a target needs
     */
    public HealthyTargetGuard(ActiveHealthChecks checks, HealthSettings settings) {
        this.checks = checks;
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletionStage<GuardVerdict> check(GuardContext context) {
        Colour target = context.target();
        List<Backend> backends = context.targetEnvironment().backends();
        int required = settings.requiredHealthy(backends.size());
        return checks.checkNow(target, backends).thenApply(outcomes -> {
            long healthy = outcomes.stream().filter(ActiveHealthChecks.Outcome::healthy).count();
            String summary = target.label() + " has " + healthy + " healthy backend" + (healthy == 1 ? "" : "s")
                    + " of " + backends.size() + " (need " + required + ")";
            if (healthy >= required) {
                return GuardVerdict.pass(summary);
            }
            String failures = outcomes.stream().filter(outcome -> !outcome.healthy())
                    .map(outcome -> outcome.backend().id() + " " + outcome.reason())
                    .collect(Collectors.joining("; "));
            return GuardVerdict.fail(summary + ": " + failures);
        });
    }

    @Override
    public String toString() {
        return NAME;
    }
}
