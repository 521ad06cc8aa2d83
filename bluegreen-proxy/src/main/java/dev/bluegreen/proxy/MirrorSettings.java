package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Shadow traffic: a share of the requests served by the live colour is also sent to the idle colour, and each pair
 * of answers is compared (status, chosen headers, a digest of the body taken while it streams). The proxy counts
 * the pairs that matched and those that did not, by route, keeps a few mismatches with both sides, and can refuse a
 * switch while the idle colour disagrees too often ({@link #withAgreementGuard}, the guard {@code mirror-agreement}).
 *
 * <pre>{@code
 * BlueGreenProxy.builder(admin)
 *         .mirror(MirrorSettings.percent(10)
 *                 .withIgnoredJsonMembers("requestId", "timestamp")
 *                 .withAgreementGuard(0.99))
 *         ...
 * }</pre>
 *
 * <p>A mirror never touches the live answer: the live response goes out when it is ready, whatever the idle colour
 * does; a mirror that can't be sent or answered in time is dropped and counted. Only requests routed to the live
 * colour are mirrored, to the idle colour, and not to the pool a colour had when it stopped being live (that pool was
 * drained; a deployment gives the colour a pool that gets mirrors again). A switch drops the mirrors under way. By
 * default only
 * safe methods are mirrored (GET, HEAD, OPTIONS), with request bodies up to 64 KiB, at most 64 mirrors in flight per
 * event loop, each answered within 5 s.
 *
 * <p>A mirrored request carries the headers the live request had on its way to the live colour (hop-by-hop headers
 * removed, forwarding headers set, the proxy's own cookie and preview secret removed), less those named in
 * {@link #withStrippedHeaders}, plus {@code X-Bluegreen-Mirror: 1} ({@link #withMarkerHeader}).
 *
 * <p>Immutable; each {@code withX} validates its value and returns a copy. Two settings are equal when every setting
 * is; the sets (methods, header names, media types, JSON members) compare as sets, in any order, the route templates
 * as a list, in order.
 */
public final class MirrorSettings {

    /** The methods mirrored unless told otherwise: the safe ones (RFC 9110 §9.2.1) that don't echo the request. */
    public static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    /** The default {@link #markerHeader()}. */
    public static final String DEFAULT_MARKER_HEADER = "X-Bluegreen-Mirror";
    /** The default {@link #agreementGuardMinPairs()}. */
    public static final int DEFAULT_GUARD_MIN_PAIRS = 100;
    /** Headers the proxy frames, routes or forwards requests by: no marker header (lower case). */
    private static final Set<String> PROXY_MANAGED_HEADERS = Set.of("host", "content-length", "transfer-encoding",
            "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "expect", "forwarded", "via",
            "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host");

    private final double percent;
    private final Set<String> methods;
    private final int maxBodySize;
    private final int maxInFlightPerLoop;
    private final Duration timeout;
    private final Set<String> strippedHeaders;
    private final String markerHeader;
    private final Set<String> comparedHeaders;
    private final Set<String> ignoredBodyTypes;
    private final Set<String> ignoredJsonMembers;
    private final int maxJsonSize;
    private final double agreementGuard;
    private final int agreementGuardMinPairs;
    private final int agreementWindow;
    private final List<String> routeTemplates;
    private final int maxRoutes;
    private final int maxSamples;
    private final int sampleBodySize;

    private MirrorSettings(Draft draft) {
        this.percent = draft.percent;
        this.methods = ordered(draft.methods);
        this.maxBodySize = draft.maxBodySize;
        this.maxInFlightPerLoop = draft.maxInFlightPerLoop;
        this.timeout = draft.timeout;
        this.strippedHeaders = ordered(draft.strippedHeaders);
        this.markerHeader = draft.markerHeader;
        this.comparedHeaders = ordered(draft.comparedHeaders);
        this.ignoredBodyTypes = ordered(draft.ignoredBodyTypes);
        this.ignoredJsonMembers = ordered(draft.ignoredJsonMembers);
        this.maxJsonSize = draft.maxJsonSize;
        this.agreementGuard = draft.agreementGuard;
        this.agreementGuardMinPairs = draft.agreementGuardMinPairs;
        this.agreementWindow = draft.agreementWindow;
        this.routeTemplates = List.copyOf(draft.routeTemplates);
        this.maxRoutes = draft.maxRoutes;
        this.maxSamples = draft.maxSamples;
        this.sampleBodySize = draft.sampleBodySize;
    }

    /**
     * Mirrors {@code percent} of the eligible requests served by the live colour, with every other setting at its
     * default.
     *
     * @param percent above 0 and at most 100; each eligible request is mirrored with this probability (drawn at
     *                random: every n-th would keep picking the same request of a page loaded in a fixed order)
     * @throws IllegalArgumentException if {@code percent} is out of range
     */
    public static MirrorSettings percent(double percent) {
        Draft draft = new Draft();
        draft.percent = checkPercent(percent);
        return new MirrorSettings(draft);
    }

    /** A copy that mirrors {@code percent} of the eligible requests (above 0 and at most 100). */
    public MirrorSettings withPercent(double percent) {
        return copy(d -> d.percent = checkPercent(percent));
    }

    /**
     * A copy that mirrors requests with these methods (case-sensitive tokens such as {@code GET}). Default
     * {@link #SAFE_METHODS}. Add others only where the idle colour may act on a request twice: a mirrored
     * {@code POST} really runs there.
     *
     * @throws IllegalArgumentException if the set is empty or holds something that is not a method token
     */
    public MirrorSettings withMethods(Collection<String> methods) {
        requireNonNull(methods, "methods");
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("methods: [] (expected: at least one method, e.g. GET)");
        }
        Set<String> checked = new LinkedHashSet<>();
        for (String method : methods) {
            checked.add(token("methods", method));
        }
        return copy(d -> d.methods = checked);
    }

    /**
     * A copy that mirrors requests with a body of at most {@code bytes}, copied as the live request streams; a larger
     * one is dropped (counted, reason {@code body-too-large}). Default 64 KiB; 0 mirrors bodiless requests only.
     *
     * @param bytes 0 to 16 MiB
     */
    public MirrorSettings withMaxBodySize(int bytes) {
        return copy(d -> d.maxBodySize = BuilderChecks.range("maxBodySize", bytes, 0, 16 << 20));
    }

    /**
     * A copy that keeps at most {@code mirrors} mirrored requests in flight on each event loop; one more is dropped
     * (reason {@code over-bound}). With {@link #withMaxBodySize} this bounds the memory mirroring takes. Default 64.
     *
     * @param mirrors 1 to 10,000
     */
    public MirrorSettings withMaxInFlightPerLoop(int mirrors) {
        return copy(d -> d.maxInFlightPerLoop = BuilderChecks.range("maxInFlightPerLoop", mirrors, 1, 10_000));
    }

    /**
     * A copy where a pair not complete within {@code timeout} of its request is dropped (reason {@code idle-slow},
     * or {@code live-slow} when the idle colour had answered), and the mirror's connection closed. Default 5 s.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive or above 10 minutes
     */
    public MirrorSettings withTimeout(Duration timeout) {
        requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("timeout: " + Texts.duration(timeout)
                    + " (expected: > 0 and <= 10 minutes)");
        }
        return copy(d -> d.timeout = timeout);
    }

    /**
     * A copy that removes these request headers from mirrored requests, say {@code Authorization} or {@code Cookie}
     * when the idle colour must not see the clients' credentials (its answers to authenticated requests will then
     * differ). Default: none. Names are case-insensitive.
     */
    public MirrorSettings withStrippedHeaders(String... names) {
        return copy(d -> d.strippedHeaders = headerNames("strippedHeaders", names));
    }

    /**
     * A copy that marks each mirrored request with the header {@code name: 1}, so the idle colour can tell it from a
     * real one, or with nothing when {@code name} is {@code null}. Default {@value #DEFAULT_MARKER_HEADER}. The proxy
     * removes a header of that name from every request a client sends, so that only mirrors carry it.
     *
     * @throws IllegalArgumentException if {@code name} is not a token, or names a header that frames, routes or
     *                                  forwards requests ({@code Host}, {@code Content-Length}, {@code Connection},
     *                                  {@code Via}, ...)
     */
    public MirrorSettings withMarkerHeader(String name) {
        String checked = name == null ? null : token("markerHeader", name);
        if (checked != null && PROXY_MANAGED_HEADERS.contains(checked.toLowerCase(Locale.ROOT))) {
            // Set to "1" on every mirror, such a header would frame or route the copy wrongly (a Content-Length: 1
            // that no body follows leaves the idle colour waiting), and the proxy removes it from client requests.
            throw new IllegalArgumentException("markerHeader: '" + name + "' (expected: a header of its own, e.g."
                    + " X-Shadow, not one that frames, routes or forwards the request)");
        }
        return copy(d -> d.markerHeader = checked);
    }

    /**
     * A copy that compares these response headers of each pair (a header missing on both sides matches); the status
     * and the body are always compared. Default {@code Content-Type}. Names are case-insensitive.
     */
    public MirrorSettings withComparedHeaders(String... names) {
        return copy(d -> d.comparedHeaders = headerNames("comparedHeaders", names));
    }

    /**
     * A copy that does not compare the bodies of responses with these media types (on either side): exact types such
     * as {@code text/html} or a whole family such as {@code image/*}. Default: none.
     */
    public MirrorSettings withIgnoredBodyTypes(String... mediaTypes) {
        requireNonNull(mediaTypes, "mediaTypes");
        Set<String> checked = new LinkedHashSet<>();
        for (String type : mediaTypes) {
            requireNonNull(type, "mediaTypes");
            String lower = type.trim().toLowerCase(Locale.ROOT);
            int slash = lower.indexOf('/');
            if (slash <= 0 || slash == lower.length() - 1 || !lower.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("ignoredBodyTypes: '" + type
                        + "' (expected: a media type such as text/html or image/*)");
            }
            checked.add(lower);
        }
        return copy(d -> d.ignoredBodyTypes = checked);
    }

    /**
     * A copy that leaves these members out of JSON bodies before comparing them, at any depth (for fields such as a
     * request id or a timestamp that differ on every answer). Applies to responses whose type is
     * {@code application/json} or {@code +json} and whose body is at most {@link #withMaxJsonSize} bytes; such a body
     * is compared by its content, members in any order and white space ignored. Default: none.
     */
    public MirrorSettings withIgnoredJsonMembers(String... names) {
        requireNonNull(names, "names");
        Set<String> checked = new LinkedHashSet<>();
        for (String name : names) {
            requireNonNull(name, "ignoredJsonMembers");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("ignoredJsonMembers: '' (expected: a member name)");
            }
            checked.add(name);
        }
        return copy(d -> d.ignoredJsonMembers = checked);
    }

    /**
     * A copy that parses JSON bodies of at most {@code bytes} to leave out ignored members; a larger body is compared
     * byte for byte. Default 64 KiB.
     *
     * @param bytes 1 KiB to 16 MiB
     */
    public MirrorSettings withMaxJsonSize(int bytes) {
        return copy(d -> d.maxJsonSize = BuilderChecks.range("maxJsonSize", bytes, 1024, 16 << 20));
    }

    /**
     * A copy with the switch guard {@code mirror-agreement}: a switch, promotion or shift to the idle colour is
     * refused when, over its recent compared pairs, the share that matched is below {@code minRatio}, or while it has
     * fewer than {@value #DEFAULT_GUARD_MIN_PAIRS} compared pairs. Default: no guard.
     *
     * @param minRatio above 0 and at most 1, e.g. 0.99
     */
    public MirrorSettings withAgreementGuard(double minRatio) {
        return withAgreementGuard(minRatio, agreementGuardMinPairs);
    }

    /**
     * As {@link #withAgreementGuard(double)}, needing at least {@code minPairs} compared pairs.
     *
     * @param minRatio above 0 and at most 1
     * @param minPairs 1 to the {@linkplain #withAgreementWindow agreement window}
     */
    public MirrorSettings withAgreementGuard(double minRatio, int minPairs) {
        if (!(minRatio > 0 && minRatio <= 1)) {
            throw new IllegalArgumentException("agreementGuard: " + minRatio + " (expected: > 0 and <= 1)");
        }
        BuilderChecks.range("agreementGuardMinPairs", minPairs, 1, agreementWindow);
        return copy(d -> {
            d.agreementGuard = minRatio;
            d.agreementGuardMinPairs = minPairs;
        });
    }

    /**
     * A copy whose agreement (what the guard judges, and what {@code GET /mirror} shows) is taken over the last
     * {@code pairs} compared pairs of the idle colour, since its pool last changed. Default 1,000.
     *
     * @param pairs 1 (with a guard, its minimum number of pairs) to 1,000,000
     */
    public MirrorSettings withAgreementWindow(int pairs) {
        int least = guarded() ? agreementGuardMinPairs : 1;
        return copy(d -> d.agreementWindow = BuilderChecks.range("agreementWindow", pairs, least, 1_000_000));
    }

    /**
     * A copy that counts requests by these path templates, tried in order: {@code {name}} stands for one path
     * segment, a final {@code **} for the rest of the path, e.g. {@code /users/{id}/orders} or {@code /static/**}.
     * A path that matches none is counted by its own shape, segments that look like ids (numbers, UUIDs, long hex)
     * standing for {@code {id}}. Default: none.
     *
     * @throws IllegalArgumentException if a template does not start with {@code /} or has {@code **} before its end
     */
    public MirrorSettings withRouteTemplates(String... templates) {
        requireNonNull(templates, "templates");
        List<String> checked = new ArrayList<>();
        for (String template : templates) {
            requireNonNull(template, "routeTemplates");
            int doubleStar = template.indexOf("**");
            if (!template.startsWith("/") || doubleStar >= 0 && doubleStar != template.length() - 2
                    || !template.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("routeTemplates: '" + template
                        + "' (expected: starts with /, ** only at the end, e.g. /users/{id} or /static/**)");
            }
            checked.add(template);
        }
        return copy(d -> d.routeTemplates = checked);
    }

    /**
     * A copy that counts at most {@code routes} routes (method and template); requests of further routes are counted
     * together, as {@code (other)}. Default 50.
     *
     * @param routes 1 to 10,000
     */
    public MirrorSettings withMaxRoutes(int routes) {
        return copy(d -> d.maxRoutes = BuilderChecks.range("maxRoutes", routes, 1, 10_000));
    }

    /**
     * A copy that keeps the last {@code samples} mismatches, each with both answers' status, compared headers and the
     * start of their bodies ({@link #withSampleBodySize}). Default 20; 0 keeps none.
     *
     * @param samples 0 to 1,000
     */
    public MirrorSettings withMaxSamples(int samples) {
        return copy(d -> d.maxSamples = BuilderChecks.range("maxSamples", samples, 0, 1_000));
    }

    /**
     * A copy that keeps the first {@code bytes} of each body in a mismatch sample. Default 512.
     *
     * @param bytes 0 to 64 KiB
     */
    public MirrorSettings withSampleBodySize(int bytes) {
        return copy(d -> d.sampleBodySize = BuilderChecks.range("sampleBodySize", bytes, 0, 64 << 10));
    }

    /** The share of eligible live requests mirrored, in per cent. */
    public double percent() {
        return percent;
    }

    /** The methods mirrored. */
    public Set<String> methods() {
        return methods;
    }

    /** The largest request body mirrored, in bytes. */
    public int maxBodySize() {
        return maxBodySize;
    }

    /** How many mirrored requests each event loop keeps in flight at most. */
    public int maxInFlightPerLoop() {
        return maxInFlightPerLoop;
    }

    /** How long a pair may take, from its request, before it is dropped. */
    public Duration timeout() {
        return timeout;
    }

    /** The request headers removed from mirrored requests, lower case. */
    public Set<String> strippedHeaders() {
        return strippedHeaders;
    }

    /** The header that marks mirrored requests, or {@code null} for none. */
    public String markerHeader() {
        return markerHeader;
    }

    /** The response headers compared, lower case. */
    public Set<String> comparedHeaders() {
        return comparedHeaders;
    }

    /** The media types whose bodies are not compared, lower case. */
    public Set<String> ignoredBodyTypes() {
        return ignoredBodyTypes;
    }

    /** The JSON members left out before comparing JSON bodies. */
    public Set<String> ignoredJsonMembers() {
        return ignoredJsonMembers;
    }

    /** The largest JSON body parsed to leave out members, in bytes. */
    public int maxJsonSize() {
        return maxJsonSize;
    }

    /** Whether the guard {@code mirror-agreement} judges switches. */
    public boolean guarded() {
        return agreementGuard > 0;
    }

    /** The agreement a switch needs, above 0 and at most 1; 0 when there is no guard. */
    public double agreementGuard() {
        return agreementGuard;
    }

    /** The compared pairs the guard needs before it judges the agreement at all. */
    public int agreementGuardMinPairs() {
        return agreementGuardMinPairs;
    }

    /** How many recent compared pairs the agreement is taken over. */
    public int agreementWindow() {
        return agreementWindow;
    }

    /** The path templates requests are counted by. */
    public List<String> routeTemplates() {
        return routeTemplates;
    }

    /** The most routes counted apart. */
    public int maxRoutes() {
        return maxRoutes;
    }

    /** The most mismatch samples kept. */
    public int maxSamples() {
        return maxSamples;
    }

    /** The bytes of each body kept in a mismatch sample. */
    public int sampleBodySize() {
        return sampleBodySize;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MirrorSettings that && Double.compare(percent, that.percent) == 0
                && methods.equals(that.methods) && maxBodySize == that.maxBodySize
                && maxInFlightPerLoop == that.maxInFlightPerLoop && timeout.equals(that.timeout)
                && strippedHeaders.equals(that.strippedHeaders) && Objects.equals(markerHeader, that.markerHeader)
                && comparedHeaders.equals(that.comparedHeaders) && ignoredBodyTypes.equals(that.ignoredBodyTypes)
                && ignoredJsonMembers.equals(that.ignoredJsonMembers) && maxJsonSize == that.maxJsonSize
                && Double.compare(agreementGuard, that.agreementGuard) == 0
                && agreementGuardMinPairs == that.agreementGuardMinPairs && agreementWindow == that.agreementWindow
                && routeTemplates.equals(that.routeTemplates) && maxRoutes == that.maxRoutes
                && maxSamples == that.maxSamples && sampleBodySize == that.sampleBodySize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(percent, methods, maxBodySize, maxInFlightPerLoop, timeout, strippedHeaders, markerHeader,
                comparedHeaders, ignoredBodyTypes, ignoredJsonMembers, maxJsonSize, agreementGuard,
                agreementGuardMinPairs, agreementWindow, routeTemplates, maxRoutes, maxSamples, sampleBodySize);
    }

    @Override
    public String toString() {
        return "MirrorSettings[" + percent + " % of " + methods + ", bodies <= " + maxBodySize + " B, <= "
                + maxInFlightPerLoop + " in flight per loop, timeout " + timeout
                + (guarded() ? ", guard " + agreementGuard + " over >= " + agreementGuardMinPairs + " pairs" : "")
                + "]";
    }

    private MirrorSettings copy(Consumer<Draft> change) {
        Draft draft = new Draft(this);
        change.accept(draft);
        return new MirrorSettings(draft);
    }

    /** An unmodifiable copy that keeps the order given: reports and comparisons list things in that order. */
    private static Set<String> ordered(Set<String> values) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(values));
    }

    private static double checkPercent(double percent) {
        if (!(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("percent: " + percent + " (expected: > 0 and <= 100)");
        }
        return percent;
    }

    private static Set<String> headerNames(String what, String... names) {
        requireNonNull(names, what);
        Set<String> checked = new LinkedHashSet<>();
        for (String name : names) {
            checked.add(token(what, name).toLowerCase(Locale.ROOT));
        }
        return checked;
    }

    /** An RFC 9110 token: a method or a header name. */
    private static String token(String what, String value) {
        requireNonNull(value, what);
        if (value.isEmpty() || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f
                && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
            throw new IllegalArgumentException(what + ": " + Texts.quote(value) + " (expected: a token, e.g. "
                    + (what.equals("methods") ? "GET" : "X-Request-Id") + ")");
        }
        return value;
    }

    /** The settings while a copy is made; every value in it was validated already. */
    private static final class Draft {
        double percent;
        Set<String> methods = SAFE_METHODS;
        int maxBodySize = 64 << 10;
        int maxInFlightPerLoop = 64;
        Duration timeout = Duration.ofSeconds(5);
        Set<String> strippedHeaders = Set.of();
        String markerHeader = DEFAULT_MARKER_HEADER;
        Set<String> comparedHeaders = Set.of("content-type");
        Set<String> ignoredBodyTypes = Set.of();
        Set<String> ignoredJsonMembers = Set.of();
        int maxJsonSize = 64 << 10;
        double agreementGuard;
        int agreementGuardMinPairs = DEFAULT_GUARD_MIN_PAIRS;
        int agreementWindow = 1_000;
        List<String> routeTemplates = List.of();
        int maxRoutes = 50;
        int maxSamples = 20;
        int sampleBodySize = 512;

        Draft() {
        }

        Draft(MirrorSettings settings) {
            percent = settings.percent;
            methods = settings.methods;
            maxBodySize = settings.maxBodySize;
            maxInFlightPerLoop = settings.maxInFlightPerLoop;
            timeout = settings.timeout;
            strippedHeaders = settings.strippedHeaders;
            markerHeader = settings.markerHeader;
            comparedHeaders = settings.comparedHeaders;
            ignoredBodyTypes = settings.ignoredBodyTypes;
            ignoredJsonMembers = settings.ignoredJsonMembers;
            maxJsonSize = settings.maxJsonSize;
            agreementGuard = settings.agreementGuard;
            agreementGuardMinPairs = settings.agreementGuardMinPairs;
            agreementWindow = settings.agreementWindow;
            routeTemplates = settings.routeTemplates;
            maxRoutes = settings.maxRoutes;
            maxSamples = settings.maxSamples;
            sampleBodySize = settings.sampleBodySize;
        }
    }
}
