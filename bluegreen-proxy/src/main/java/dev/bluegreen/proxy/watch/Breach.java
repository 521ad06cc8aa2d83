package dev.bluegreen.proxy.watch;

import static java.util.Objects.requireNonNull;

/**
 * A rule the judged colour broke.
 *
 * @param rule        which rule
 * @param description what was seen against what was allowed, e.g. {@code "error rate 12.0% > 5.0%"}
 */
public record Breach(WatchRule rule, String description) {

    /** @throws NullPointerException if a component is {@code null} */
    public Breach {
        requireNonNull(rule, "rule");
        requireNonNull(description, "description");
    }
}
