package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.Colour;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What shadow traffic ({@link MirrorSettings}) has found so far, since the proxy started: {@link
 * BlueGreenProxy#mirror()}, and {@code GET /mirror} on the admin endpoint.
 *
 * <p>How the counts relate: a request picked for mirroring is either {@code mirrored} (its copy went to the idle
 * colour) or dropped before it was sent (over the in-flight bound, body over the cap). A mirrored request ends as a
 * pair that {@code matched}, one that {@code mismatched}, or dropped (the idle colour down or slow, the live answer
 * the proxy's own error or cut short, the live answer slow); while neither, it is in flight. So {@code mirrored =
 * matched + mismatched + dropped after sending + inFlight}, and {@code dropped} counts both kinds of drop.
 *
 * @param settings   the settings the proxy mirrors by
 * @param mirrored   requests whose copy was sent to the idle colour
 * @param matched    pairs whose answers matched
 * @param mismatched pairs whose answers differed
 * @param dropped    requests picked for mirroring that gave no compared pair
 * @param droppedBy  {@code dropped} by reason, each of {@link #DROP_REASONS}
 * @param inFlight   mirrored requests under way now
 * @param bufferedBytes request body bytes the mirrors in flight hold now (at most the body cap each)
 * @param target     the colour mirrored to now, or {@code null} while mirroring is paused
 * @param paused     why mirroring is paused (the idle pool is empty, or draining), or {@code null}
 * @param agreement  each colour's agreement over its recent compared pairs, as the guard judges it
 * @param routes     the counts by route (method and path template), most mirrored first
 * @param samples    the latest mismatches, newest first
 */
public record MirrorReport(MirrorSettings settings, long mirrored, long matched, long mismatched, long dropped,
                           Map<String, Long> droppedBy, long inFlight, long bufferedBytes, Colour target, String paused,
                           Map<Colour, Agreement> agreement, List<Route> routes, List<Sample> samples) {

    /**
     * Why a request picked for mirroring gave no compared pair: over the in-flight bound, body over the cap (these two
     * never sent); the idle colour down or slow; the live answer the proxy's own error or cut short, or slow; the live
     * colour changed while it was under way.
     */
    public static final List<String> DROP_REASONS = List.of("over-bound", "body-too-large", "idle-down", "idle-slow",
            "live-failed", "live-slow", "switched");

    /**
     * Copies the collections.
     *
     * @throws NullPointerException if {@code settings} or a collection is {@code null}
     */
    public MirrorReport {
        requireNonNull(settings, "settings");
        // In the order given: reports list the reasons in one order.
        droppedBy = Collections.unmodifiableMap(new LinkedHashMap<>(droppedBy));
        agreement = Map.copyOf(agreement);
        routes = List.copyOf(routes);
        samples = List.copyOf(samples);
    }

    /**
     * One colour's agreement, over its last compared pairs (at most {@link MirrorSettings#agreementWindow()}) since
     * its pool (or the live one) last changed. A mirror the colour took and failed (closed before answering whole, a
     * malformed answer, none within the timeout) while the live colour answered counts as a pair that did not match.
     *
     * @param pairs   the compared pairs counted
     * @param matched how many of them matched
     */
    public record Agreement(int pairs, int matched) {

        /** The share of pairs that matched, 0 to 1; 0 without pairs. */
        public double ratio() {
            return pairs == 0 ? 0 : (double) matched / pairs;
        }
    }

    /**
     * The counts of one route, as in the report's top level.
     *
     * @param method the request method
     * @param route  the path template, or {@code (other)} for the routes beyond {@link MirrorSettings#maxRoutes()}
     */
    public record Route(String method, String route, long mirrored, long matched, long mismatched, long dropped) {
    }

    /**
     * One mismatch, with both answers.
     *
     * @param at          when the pair was compared
     * @param method      the request method
     * @param target      the request target (path and query), cut at 200 characters
     * @param route       the route it was counted under
     * @param colour      the colour mirrored to
     * @param differences what differed, in words, such as {@code status: 200 vs 500}
     * @param live        the live colour's answer
     * @param mirror      the idle colour's answer
     */
    public record Sample(Instant at, String method, String target, String route, Colour colour,
                         List<String> differences, Side live, Side mirror) {

        /** Copies the differences. */
        public Sample {
            differences = List.copyOf(differences);
        }
    }

    /**
     * One side of a pair.
     *
     * @param status    its status
     * @param headers   the compared headers it had (lower-case names), and its {@code content-type}
     * @param bodyBytes the length of its body
     * @param body      the start of its body, as UTF-8 (at most {@link MirrorSettings#sampleBodySize()} bytes)
     */
    public record Side(int status, Map<String, String> headers, long bodyBytes, String body) {

        /** Copies the headers. */
        public Side {
            headers = Map.copyOf(headers);
        }
    }
}
