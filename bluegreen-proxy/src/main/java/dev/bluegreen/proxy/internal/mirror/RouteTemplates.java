package dev.bluegreen.proxy.internal.mirror;

import java.util.ArrayList;
import java.util.List;

/**
 * The route a request is counted under: the first configured template its path matches ({@code {name}} one segment,
 * a final {@code **} the rest), else the path's own shape with the segments that look like ids ({@code 42},
 * {@code 3f2504e0-4f89-11d3-9a0c-0305e82c3301}, long hex or long mixed tokens) written {@code {id}}, the query left
 * out and at most {@value #MAX_SEGMENTS} segments kept. How many routes are counted apart is bounded elsewhere
 * ({@code MirrorStatistics}). Immutable and thread-safe.
 */
final class RouteTemplates {

    /** Segments of a path kept in its shape; deeper paths end in {@code /…}. */
    static final int MAX_SEGMENTS = 8;
    /** A segment longer than this is an id whatever it holds: free text would make routes unbounded. */
    private static final int MAX_SEGMENT_LENGTH = 40;

    private final List<String> templates;
    private final List<String[]> compiled = new ArrayList<>();

    RouteTemplates(List<String> templates) {
        this.templates = List.copyOf(templates);
        for (String template : templates) {
            compiled.add(segments(template));
        }
    }

    /** The route of the request target {@code target} (origin form, maybe with a query). */
    String routeOf(String target) {
        if (!target.startsWith("/")) {
            return target.equals("*") ? "*" : "(not a path)";
        }
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        String[] segments = segments(path);
        for (int i = 0; i < compiled.size(); i++) {
            if (matches(compiled.get(i), segments)) {
                return templates.get(i);
            }
        }
        return shape(segments, path.endsWith("/") && segments.length > 0);
    }

    private static boolean matches(String[] template, String[] path) {
        for (int i = 0; i < template.length; i++) {
            String part = template[i];
            if (part.equals("**") && i == template.length - 1) {
                return true;
            }
            if (i >= path.length) {
                return false;
            }
            boolean variable = part.startsWith("{") && part.endsWith("}");
            if (!variable && !part.equals(path[i])) {
                return false;
            }
        }
        return template.length == path.length;
    }

    private static String shape(String[] segments, boolean trailingSlash) {
        StringBuilder route = new StringBuilder();
        int kept = Math.min(segments.length, MAX_SEGMENTS);
        for (int i = 0; i < kept; i++) {
            route.append('/').append(looksLikeId(segments[i]) ? "{id}" : segments[i]);
        }
        if (segments.length > kept) {
            route.append("/…");
        } else if (trailingSlash || route.length() == 0) {
            route.append('/');
        }
        return route.toString();
    }

    /** Numbers, UUIDs and other long tokens with digits, hex of 16 or more, and anything very long. */
    static boolean looksLikeId(String segment) {
        if (segment.isEmpty()) {
            return false;
        }
        if (segment.length() > MAX_SEGMENT_LENGTH) {
            return true;
        }
        int digits = 0;
        int hex = 0;
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
                hex++;
            } else if (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
                hex++;
            }
        }
        int length = segment.length();
        return digits == length
                || hex == length && length >= 16
                || digits > 0 && length >= 16
                || length == 36 && segment.charAt(8) == '-' && segment.charAt(13) == '-' && hex == 32;
    }

    /** The non-empty segments of a path. */
    private static String[] segments(String path) {
        List<String> segments = new ArrayList<>();
        int start = 1;
        while (start <= path.length()) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            if (end > start) {
                segments.add(path.substring(start, end));
            }
            start = end + 1;
        }
        return segments.toArray(new String[0]);
    }
}
