package dev.bluegreen.examples.options;

import dev.bluegreen.examples.Converters;
import dev.bluegreen.proxy.BlueGreenProxyBuilder;
import dev.bluegreen.proxy.MirrorSettings;
import java.util.List;
import java.util.function.BiFunction;
import picocli.CommandLine.Option;

/**
 * Shadow traffic: a share of the live colour's requests also goes to the idle colour and each pair of answers is
 * compared; optionally, a switch is refused while they disagree too often: {@code --mirror}, {@code --mirror-guard},
 * {@code --mirror-guard-min}, and what is compared: {@code --mirror-headers}, {@code --mirror-ignore-json},
 * {@code --mirror-ignore-body}.
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

    @Option(names = "--mirror-headers", paramLabel = "NAME", split = Converters.LIST_SPLIT, splitSynopsisLabel = ",",
            description = "With --mirror: the response headers compared (default: Content-Type); not one that differs"
                    + " on every answer, such as Date.")
    List<String> comparedHeaders;

    @Option(names = "--mirror-ignore-json", paramLabel = "MEMBER", split = Converters.LIST_SPLIT,
            splitSynopsisLabel = ",",
            description = "With --mirror: leave these members out of JSON answers, at any depth (a request id, a"
                    + " timestamp), and compare the rest as JSON: members in any order, white space ignored.")
    List<String> ignoredJsonMembers;

    @Option(names = "--mirror-ignore-body", paramLabel = "TYPE", split = Converters.LIST_SPLIT,
            splitSynopsisLabel = ",",
            description = "With --mirror: the media types whose bodies are not compared, such as text/html or image/*.")
    List<String> ignoredBodyTypes;

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
            refuseWithoutMirror("--mirror-headers", comparedHeaders, errors);
            refuseWithoutMirror("--mirror-ignore-json", ignoredJsonMembers, errors);
            refuseWithoutMirror("--mirror-ignore-body", ignoredBodyTypes, errors);
            return;
        }
        MirrorSettings base = compared(errors.check("--mirror", () -> MirrorSettings.percent(mirror)), errors);
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

    /** {@code settings} with what {@code --mirror-headers}, {@code --mirror-ignore-json} and {@code -body} say. */
    private MirrorSettings compared(MirrorSettings settings, OptionErrors errors) {
        MirrorSettings headers = with(settings, "--mirror-headers", comparedHeaders,
                MirrorSettings::withComparedHeaders, errors);
        MirrorSettings members = with(headers, "--mirror-ignore-json", ignoredJsonMembers,
                MirrorSettings::withIgnoredJsonMembers, errors);
        return with(members, "--mirror-ignore-body", ignoredBodyTypes, MirrorSettings::withIgnoredBodyTypes, errors);
    }

    /** {@code settings} with {@code option}'s {@code values} applied, or as they are when it was not given. */
    private static MirrorSettings with(MirrorSettings settings, String option, List<String> values,
                                       BiFunction<MirrorSettings, String[], MirrorSettings> apply,
                                       OptionErrors errors) {
        return values == null ? settings
                : errors.check(option, () -> apply.apply(settings, values.toArray(String[]::new)));
    }

    private static void refuseWithoutMirror(String option, List<String> values, OptionErrors errors) {
        if (values != null) {
            throw errors.usage(option, String.join(",", values) + " without --mirror (expected: --mirror PERCENT"
                    + " too; it says what the mirrored pairs compare)");
        }
    }
}
