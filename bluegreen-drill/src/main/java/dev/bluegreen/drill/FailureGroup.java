package dev.bluegreen.drill;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.Colour;
import java.util.List;

/**
 * Requests that failed the same way: same colour, same request, same reason, with a few examples. Immutable.
 *
 * @param colour the colour that served them (from the proxy's routing header; for a failure without a response,
 *        the colour that was live when the request was sent)
 * @param request the request, as {@code METHOD PATH}
 * @param reason what went wrong, such as {@code status 503} or {@code closed before the response was complete}
 * @param count how many requests failed this way
 * @param examples up to {@value #MAX_EXAMPLES} of them: when, on which connection, and what came back
 */
public record FailureGroup(Colour colour, String request, String reason, long count, List<String> examples) {

    /** The most examples kept per group. */
    public static final int MAX_EXAMPLES = 3;

    /**
     * The end of a {@link #reason()} whose {@link #colour()} is a guess a switch may have made wrong: the response
     * (the proxy's own error, or none) did not name the colour, and the routing changed while it was under way.
     */
    public static final String COLOUR_UNCERTAIN = " (colour uncertain: a switch happened while it was under way)";

    /**
     * Validates the parts.
     *
     * @throws NullPointerException if any part is {@code null}
     * @throws IllegalArgumentException if {@code count} is below 1
     */
    public FailureGroup {
        requireNonNull(colour, "colour");
        requireNonNull(request, "request");
        requireNonNull(reason, "reason");
        examples = List.copyOf(examples);
        if (count < 1) {
            throw new IllegalArgumentException("count: " + count + " (expected: >= 1)");
        }
    }

    /**
     * Whether {@link #colour()} is a guess that a switch may have made wrong (the reason ends with
     * {@link #COLOUR_UNCERTAIN}).
     *
     * @return {@code true} if the colour is uncertain
     */
    public boolean colourUncertain() {
        return reason.endsWith(COLOUR_UNCERTAIN);
    }
}
