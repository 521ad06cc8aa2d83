package dev.bluegreen.proxy.internal.mirror;

import dev.bluegreen.core.GuardContext;
import dev.bluegreen.core.GuardVerdict;
import dev.bluegreen.core.SwitchGuard;
import dev.bluegreen.proxy.MirrorReport;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The switch guard {@value #NAME}: traffic may move to a colour only if, over its recent compared pairs of shadow
 * traffic (against the pool live now), at least {@code minRatio} of them matched; while it has fewer than
 * {@code minPairs} compared pairs it refuses, saying how many it has. Answers at once from the counts; thread-safe.
 */
final class MirrorAgreementGuard implements SwitchGuard {

    /** The guard's name, as refusals give it. */
    static final String NAME = "mirror-agreement";

    private final MirrorStatistics statistics;
    private final double minRatio;
    private final int minPairs;

    MirrorAgreementGuard(MirrorStatistics statistics, double minRatio, int minPairs) {
        this.statistics = statistics;
        this.minRatio = minRatio;
        this.minPairs = minPairs;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletionStage<GuardVerdict> check(GuardContext context) {
        MirrorReport.Agreement agreement = statistics.agreement(context.target(), context.current());
        String colour = context.target().label();
        if (agreement.pairs() < minPairs) {
            return CompletableFuture.completedFuture(GuardVerdict.fail(colour + " has " + agreement.pairs()
                    + " compared pair" + (agreement.pairs() == 1 ? "" : "s") + " of shadow traffic (need at least "
                    + minPairs + ")"));
        }
        String figures = String.format(Locale.ROOT, "%s agreed on %d of its last %d compared pairs (%.4f; need %s)",
                colour, agreement.matched(), agreement.pairs(), agreement.ratio(), minRatio);
        return CompletableFuture.completedFuture(agreement.ratio() >= minRatio ? GuardVerdict.pass(figures)
                : GuardVerdict.fail(figures));
    }

    @Override
    public String toString() {
        return NAME + "[>= " + minRatio + " over >= " + minPairs + " pairs]";
    }
}
