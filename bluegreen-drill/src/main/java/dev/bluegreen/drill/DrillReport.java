package dev.bluegreen.drill;

import dev.bluegreen.core.Colour;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link SwitchDrill} saw: requests and failures by colour, failures grouped by colour, request and reason
 * with examples, the switches made or refused, and latency percentiles. Immutable and thread-safe.
 *
 * <p>{@link #assertNoFailures()} is the one-line check for a test; {@link #summary()} is the text it fails with,
 * which the {@code drill} command prints.
 */
public final class DrillReport {

    private final Map<Colour, String> targets;
    private final Duration elapsed;
    private final int connections;
    private final Map<Colour, Long> requests;
    private final Map<Colour, Long> failed;
    private final List<FailureGroup> failures;
    private final int switches;
    private final List<String> refusedSwitches;
    private final Latency latency;
    /** The switches asked for: made, refused, or not made within the duration. */
    private final int switchesAsked;
    private final Duration duration;

    /** A report of a drill that made or had refused every switch it was asked for. */
    DrillReport(Map<Colour, String> targets, Duration elapsed, int connections, Map<Colour, Long> requests,
                Map<Colour, Long> failed, List<FailureGroup> failures, int switches, List<String> refusedSwitches,
                Latency latency) {
        this(targets, elapsed, connections, requests, failed, failures, switches, refusedSwitches, latency,
                switches + refusedSwitches.size(), elapsed);
    }

    DrillReport(Map<Colour, String> targets, Duration elapsed, int connections, Map<Colour, Long> requests,
                Map<Colour, Long> failed, List<FailureGroup> failures, int switches, List<String> refusedSwitches,
                Latency latency, int switchesAsked, Duration duration) {
        this.targets = Map.copyOf(targets);
        this.elapsed = elapsed;
        this.connections = connections;
        this.requests = new EnumMap<>(Colour.class);
        this.requests.putAll(requests);
        this.failed = new EnumMap<>(Colour.class);
        this.failed.putAll(failed);
        this.failures = List.copyOf(failures);
        this.switches = switches;
        this.refusedSwitches = List.copyOf(refusedSwitches);
        this.latency = latency;
        this.switchesAsked = switchesAsked;
        this.duration = duration;
    }

    /** Requests that completed or failed, both colours. */
    public long requests() {
        return requests(Colour.BLUE) + requests(Colour.GREEN);
    }

    /**
     * Requests served by (or, for a failure without a response, sent while live) one colour.
     *
     * @param colour the colour
     * @return the count
     */
    public long requests(Colour colour) {
        return requests.getOrDefault(colour, 0L);
    }

    /** Failed requests, both colours. */
    public long failed() {
        return failed(Colour.BLUE) + failed(Colour.GREEN);
    }

    /**
     * Failed requests of one colour.
     *
     * @param colour the colour
     * @return the count
     */
    public long failed(Colour colour) {
        return failed.getOrDefault(colour, 0L);
    }

    /** The failures, grouped by colour, request and reason, most frequent first. */
    public List<FailureGroup> failures() {
        return failures;
    }

    /** Switches made. */
    public int switches() {
        return switches;
    }

    /** Why switches were refused (by a guard, say), in order; empty when none was. */
    public List<String> refusedSwitches() {
        return refusedSwitches;
    }

    /** Latency percentiles of the completed requests. */
    public Latency latency() {
        return latency;
    }

    /** How long the drill ran. */
    public Duration elapsed() {
        return elapsed;
    }

    /**
     * Whether every request succeeded, every switch was made, at least one request was sent, and, once a switch was
     * made, each colour served requests: a drill in which one colour served none proves nothing about switching to
     * it (too little traffic for its switch interval).
     */
    public boolean passed() {
        // One list of rules: the verdict and the closing line's reasons can't disagree.
        return failureReasons().isEmpty();
    }

    /** Switches asked for that were neither made nor refused: they did not fit in the duration. */
    private int switchesNotMade() {
        return Math.max(0, switchesAsked - switches - refusedSwitches.size());
    }

    /** A colour that served no request although a switch was made, if any. */
    private Optional<Colour> idleColour() {
        if (switches == 0 || requests() == 0) {
            return Optional.empty();
        }
        return Arrays.stream(Colour.values()).filter(colour -> requests(colour) == 0).findFirst();
    }

    /**
     * Throws unless {@link #passed()}, with {@link #summary()} as the message: which colour failed, on which
     * requests, how, with examples.
     *
     * @throws AssertionError if a request failed, a switch was refused or did not fit in the duration, no request
     *         was sent, or a colour served none across the switches
     */
    public void assertNoFailures() {
        if (!passed()) {
            throw new AssertionError(summary());
        }
    }

    /**
     * The report as text: a headline, a line per colour, the latency, then the failure groups with examples, and a
     * closing {@code FAILED:} line saying each reason the drill failed for.
     *
     * <p>The headline gives the verdict too, so that it can be read (or matched by a CI step) alone: when the drill
     * passed it ends with {@code 0 failed}; when it failed it starts with {@code bluegreen drill FAILED} and the
     * number of reasons, and counts {@code N requests failed}, so that it never holds {@code 0 failed}, even when
     * no request failed and the drill failed for another reason (a colour that served none, switches that did not
     * fit in the duration), nor when the count ends in 0.
     *
     * @return several lines
     */
    public String summary() {
        List<String> why = failureReasons();
        List<String> lines = new ArrayList<>();
        String counts = String.format(Locale.ROOT, "%,d requests in %.1f s on %d connections, %d switches",
                requests(), elapsed.toMillis() / 1000.0, connections, switches);
        lines.add(why.isEmpty() ? String.format(Locale.ROOT, "bluegreen drill: %s, %,d failed", counts, failed())
                : String.format(Locale.ROOT, "bluegreen drill FAILED (%d %s): %s, %,d requests failed", why.size(),
                        why.size() == 1 ? "reason" : "reasons", counts, failed()));
        for (Colour colour : Colour.values()) {
            lines.add(String.format(Locale.ROOT, "  %-5s %s: %,d requests, %,d failed", colour.label(),
                    targets.getOrDefault(colour, "?"), requests(colour), failed(colour)));
        }
        lines.add("  latency: " + latency);
        if (!failures.isEmpty()) {
            lines.add("  failures:");
            for (FailureGroup group : failures) {
                lines.add(String.format(Locale.ROOT, "    %s %s: %s, %s, e.g.", group.colour().label(),
                        group.request(), group.reason(), group.count() == 1 ? "once"
                                : String.format(Locale.ROOT, "%,d times", group.count())));
                group.examples().forEach(example -> lines.add("      " + example));
            }
        }
        if (!refusedSwitches.isEmpty()) {
            lines.add("  refused switches: " + refusedSwitches.size() + ", first: " + refusedSwitches.get(0));
        }
        if (!why.isEmpty()) {
            lines.add("FAILED: " + String.join("; ", why));
        }
        return String.join(System.lineSeparator(), lines);
    }

    /**
     * Why the drill failed, for the closing line; empty if it passed. A colour is named only for the failures it is
     * known to have served: one whose colour is a guess a switch may have made wrong is counted apart, so that a
     * healthy colour is not blamed for the other's failures (a request that got no response head, cut or timed out,
     * has no routing header to name one).
     */
    private List<String> failureReasons() {
        List<String> why = new ArrayList<>();
        long uncertain = 0;
        for (Colour colour : Colour.values()) {
            long guessed = failures.stream().filter(group -> group.colour() == colour && group.colourUncertain())
                    .mapToLong(FailureGroup::count).sum();
            uncertain += guessed;
            if (failed(colour) > guessed) {
                why.add(String.format(Locale.ROOT, "%s failed %,d of %,d requests", colour.label(),
                        failed(colour) - guessed, requests(colour)));
            }
        }
        if (uncertain > 0) {
            why.add(String.format(Locale.ROOT, "%,d failed while a switch was under way, colour uncertain",
                    uncertain));
        }
        if (!refusedSwitches.isEmpty()) {
            why.add(refusedSwitches.size() + " switches refused");
        }
        if (switchesNotMade() > 0) {
            why.add(String.format(Locale.ROOT, "only %,d of %,d switches fit in the %.1f s duration (expected:"
                    + " fewer switches, or a longer duration)", switches + refusedSwitches.size(), switchesAsked,
                    duration.toMillis() / 1000.0));
        }
        if (requests() == 0) {
            why.add("no request was sent");
        }
        idleColour().ifPresent(colour -> why.add(colour.label() + " served no request across " + switches
                + " switches (expected: both; a longer drill, or more connections)"));
        return why;
    }

    /** The {@link #summary()}. */
    @Override
    public String toString() {
        return summary();
    }
}
