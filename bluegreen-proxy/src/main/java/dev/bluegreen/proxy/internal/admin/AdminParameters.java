package dev.bluegreen.proxy.internal.admin;

import dev.bluegreen.core.BlueGreen;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of an admin request: the query string plus, for a form post
 * ({@code application/x-www-form-urlencoded}), the body. Each getter says what was wrong with an
 * {@link IllegalArgumentException} the handler turns into a 400.
 */
final class AdminParameters {

    private final Map<String, List<String>> values;

    private AdminParameters(Map<String, List<String>> values) {
        this.values = values;
    }

    static AdminParameters of(FullHttpRequest request) {
        Map<String, List<String>> values = new HashMap<>(new QueryStringDecoder(request.uri()).parameters());
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (contentType != null && contentType.toLowerCase(java.util.Locale.ROOT)
                .startsWith(HttpHeaderValues.APPLICATION_X_WWW_FORM_URLENCODED.toString())
                && request.content().isReadable()) {
            String body = request.content().toString(StandardCharsets.UTF_8);
            new QueryStringDecoder(body, false).parameters().forEach((name, list) ->
                    values.merge(name, list, (a, b) -> {
                        List<String> both = new java.util.ArrayList<>(a);
                        both.addAll(b);
                        return both;
                    }));
        }
        return new AdminParameters(values);
    }

    /**
     * Refuses a parameter that is not one of {@code known}. A misspelt one would otherwise be ignored and the change
     * made without it: {@code generaton=7} would switch without the generation check, {@code color=green} would
     * deploy to the idle pool instead.
     *
     * @param known the parameters the request takes, in the order the error lists them
     * @throws IllegalArgumentException naming the first unknown parameter (in alphabetical order) and the known ones
     */
    void allowOnly(List<String> known) {
        values.keySet().stream().filter(name -> !known.contains(name)).sorted().findFirst().ifPresent(name -> {
            throw new IllegalArgumentException("unknown parameter '" + name + "' (expected: "
                    + String.join(", ", known) + ")");
        });
    }

    /** The single value of {@code name}, or {@code null} when absent. */
    String optional(String name) {
        List<String> list = values.get(name);
        if (list == null || list.isEmpty()) {
            return null;
        }
        if (list.size() > 1) {
            throw new IllegalArgumentException("parameter '" + name + "' given " + list.size()
                    + " times (expected: once)");
        }
        return list.get(0);
    }

    /**
     * The single value of {@code name}; when it is missing, the error says {@code expected}, as in
     * {@code "to=blue or to=green"}.
     */
    String required(String name, String expected) {
        String value = optional(name);
        if (value == null) {
            throw new IllegalArgumentException("missing parameter '" + name + "' (expected: " + expected + ")");
        }
        return value;
    }

    /**
     * A duration such as {@code 500ms}, {@code 10s} or {@code 10} (seconds), between 1 ms and {@code max};
     * {@code fallback} when absent.
     */
    java.time.Duration timeout(String name, java.time.Duration fallback, java.time.Duration max) {
        String text = optional(name);
        if (text == null) {
            return fallback;
        }
        java.time.Duration value;
        try {
            if (text.endsWith("ms")) {
                value = java.time.Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            } else if (text.endsWith("s")) {
                value = java.time.Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
            } else {
                value = java.time.Duration.ofSeconds(Long.parseLong(text));
            }
        } catch (NumberFormatException e) {
            value = null;
        }
        if (value == null || value.isNegative() || value.isZero() || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + ": '" + text + "' (expected: like 500ms or 10s, at most "
                    + max.toSeconds() + "s)");
        }
        return value;
    }

    /** {@code generation=N}, or {@link BlueGreen#ANY_GENERATION} when absent. */
    long expectedGeneration() {
        String text = optional("generation");
        if (text == null) {
            return BlueGreen.ANY_GENERATION;
        }
        try {
            long generation = Long.parseLong(text);
            if (generation < 0) {
                throw new NumberFormatException();
            }
            return generation;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("generation: '" + text + "' (expected: a whole number >= 0)");
        }
    }

    /** {@code force=true} or {@code force=false}; false when absent. */
    boolean force() {
        String text = optional("force");
        if (text == null || text.equals("false")) {
            return false;
        }
        if (text.equals("true")) {
            return true;
        }
        throw new IllegalArgumentException("force: '" + text + "' (expected: true or false)");
    }

    /** {@code percent=N} with N from 0 to 100. */
    int percent() {
        String text = required("percent", "percent=N, N from 0 to 100");
        try {
            int percent = Integer.parseInt(text);
            if (percent < 0 || percent > 100) {
                throw new NumberFormatException();
            }
            return percent;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("percent: '" + text + "' (expected: a whole number from 0 to 100)");
        }
    }
}
