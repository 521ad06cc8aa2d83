package dev.bluegreen.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds the unmodifiable, case-insensitive header multi-maps used by {@link SeenRequest} and {@link RawResponse}. */
final class HeaderMaps {

    private HeaderMaps() {
    }

    /** A mutable case-insensitive map to fill with {@link #add}; freeze it with {@link #copyOf}. */
    static Map<String, List<String>> newMap() {
        return new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    }

    static void add(Map<String, List<String>> map, String name, String value) {
        map.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
    }

    static Map<String, List<String>> copyOf(Map<String, List<String>> headers) {
        Map<String, List<String>> copy = newMap();
        headers.forEach((name, values) -> copy.merge(name, List.copyOf(values), (a, b) -> {
            List<String> all = new ArrayList<>(a);
            all.addAll(b);
            return List.copyOf(all);
        }));
        return Collections.unmodifiableMap(copy);
    }
}
