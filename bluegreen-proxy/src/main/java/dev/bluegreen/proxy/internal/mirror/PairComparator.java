package dev.bluegreen.proxy.internal.mirror;

import dev.bluegreen.proxy.MirrorSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The comparison rules of one proxy, from its {@link MirrorSettings}: which headers an {@link ObservedResponse}
 * records, which bodies are compared as canonical JSON or not at all, and what differs between the two answers of a
 * pair. Immutable and thread-safe.
 */
final class PairComparator {

    private final Set<String> comparedHeaders;
    private final Set<String> ignoredBodyTypes;
    private final Set<String> ignoredJsonMembers;
    private final int maxJsonSize;
    private final int sampleBodySize;

    PairComparator(MirrorSettings settings) {
        this.comparedHeaders = settings.comparedHeaders();
        this.ignoredBodyTypes = settings.ignoredBodyTypes();
        this.ignoredJsonMembers = settings.ignoredJsonMembers();
        this.maxJsonSize = settings.maxJsonSize();
        this.sampleBodySize = settings.sampleBodySize();
    }

    /** A new, empty side of a pair. */
    ObservedResponse newSide() {
        return new ObservedResponse(this);
    }

    /** The response headers compared, lower case. */
    Set<String> comparedHeaders() {
        return comparedHeaders;
    }

    /** The JSON members left out of JSON bodies. */
    Set<String> ignoredJsonMembers() {
        return ignoredJsonMembers;
    }

    /** How much of a JSON body may be held to leave members out of it. */
    int maxJsonSize() {
        return maxJsonSize;
    }

    /** How much of each body a mismatch sample shows. */
    int sampleBodySize() {
        return sampleBodySize;
    }

    /** Whether a body of {@code mediaType} (lower case, without parameters) is compared as canonical JSON. */
    boolean filtersJson(String mediaType) {
        return !ignoredJsonMembers.isEmpty()
                && (mediaType.equals("application/json") || mediaType.endsWith("+json"));
    }

    /** Whether a body of {@code mediaType} (lower case, without parameters) is not compared at all. */
    boolean ignoresBody(String mediaType) {
        if (ignoredBodyTypes.isEmpty() || mediaType.isEmpty()) {
            return false;
        }
        if (ignoredBodyTypes.contains(mediaType)) {
            return true;
        }
        int slash = mediaType.indexOf('/');
        return slash > 0 && ignoredBodyTypes.contains(mediaType.substring(0, slash) + "/*");
    }

    /** What differs between the two ended sides, in words; empty when they match. */
    List<String> differences(ObservedResponse live, ObservedResponse mirror) {
        List<String> differences = new ArrayList<>(2);
        if (live.status() != mirror.status()) {
            differences.add("status: " + live.status() + " vs " + mirror.status());
        }
        for (String name : comparedHeaders) {
            String liveValue = live.header(name);
            String mirrorValue = mirror.header(name);
            if (!Objects.equals(liveValue, mirrorValue)) {
                differences.add(name + ": " + shown(liveValue) + " vs " + shown(mirrorValue));
            }
        }
        if (!ignoresBody(live.mediaType()) && !ignoresBody(mirror.mediaType())
                && !live.digest().sameAs(mirror.digest())) {
            String how = live.comparedAsJson() && mirror.comparedAsJson() ? " (compared as JSON)" : "";
            long liveBytes = live.bodyBytes();
            long mirrorBytes = mirror.bodyBytes();
            differences.add(liveBytes == mirrorBytes
                    ? "body: " + liveBytes + " bytes each, contents differ" + how
                    : "body: " + liveBytes + " bytes vs " + mirrorBytes + " bytes" + how);
        }
        return differences;
    }

    private static String shown(String value) {
        return value == null ? "(none)" : "'" + value + "'";
    }
}
