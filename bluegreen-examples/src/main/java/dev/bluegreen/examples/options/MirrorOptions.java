package dev.bluegreen.examples.options;

import dev.bluegreen.proxy.BlueGreenProxyBuilder;
import dev.bluegreen.proxy.MirrorSettings;
import picocli.CommandLine.Option;

/**
 * Shadow traffic: a share of the live colour's requests also goes to the idle colour and each pair of answers is
 * compared; optionally, a switch is refused while they disagree too often: {@code --mirror}, {@code --mirror-guard},
 * {@code --mirror-guard-min}.
 */
public final class MirrorOptions implements ProxyOptionGroup {

    // Descriptions are format strings (picocli expands %n): a literal per cent sign is written %%.
    @Option(names = "--mirror", paramLabel = "PERCENT",
            description = "Also send this share (above 0, at most 100) of the GET, HEAD and OPTIONS requests the live"
                    + " colour serves to the idle colour, and compare the answers (status, Content-Type, body):"
                    + " GET /mirror on the admin endpoint shows what matched. The live answer is never held back.")
    Double mirror;

    @Option(names = "--mirror-guard", paramLabel = "RATIO",
            description = "With --mirror: refuse a switch, promote or shift to the idle colour while fewer than this"
                    + " share (above 0, at most 1, e.g. 0.99) of its recent compared pairs matched.")
    Double guard;

    @Option(names = "--mirror-guard-min", paramLabel = "N",
            description = "With --mirror-guard: the compared pairs the guard needs before it lets a switch through"
                    + " (default: " + MirrorSettings.DEFAULT_GUARD_MIN_PAIRS + ").")
    Integer guardMinPairs;

    /** Creates the group; picocli does this. */
    public MirrorOptions() {
    }

    @Override
    public void configureProxy(BlueGreenProxyBuilder proxy, OptionErrors errors) {
        if (mirror == null) {
            if (guard != null) {
                throw errors.usage("--mirror-guard", guard + " without --mirror (expected: --mirror PERCENT too, the"
                        + " guard judges the mirrored pairs)");
            }
            if (guardMinPairs != null) {
                throw errors.usage("--mirror-guard-min", guardMinPairs + " without --mirror-guard (expected: both)");
            }
            return;
        }
        MirrorSettings base = errors.check("--mirror", () -> MirrorSettings.percent(mirror));
        MirrorSettings settings = base;
        if (guard != null) {
            // The ratio first, alone, so that a bad one is blamed on its own option.
            MirrorSettings guarded = errors.check("--mirror-guard", () -> base.withAgreementGuard(guard, 1));
            settings = guardMinPairs == null ? base.withAgreementGuard(guard)
                    : errors.check("--mirror-guard-min", () -> guarded.withAgreementGuard(guard, guardMinPairs));
        } else if (guardMinPairs != null) {
            throw errors.usage("--mirror-guard-min", guardMinPairs + " without --mirror-guard (expected: both)");
        }
        proxy.mirror(settings);
    }
}
