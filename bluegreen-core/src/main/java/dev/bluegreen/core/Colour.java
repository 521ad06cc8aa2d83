package dev.bluegreen.core;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;

/**
 * One of the two pools of a blue-green deployment.
 *
 * <p>Immutable and thread-safe.
 */
public enum Colour {
    /** The blue pool. */
    BLUE("blue"),
    /** The green pool. */
    GREEN("green");

    private final String label;

    Colour(String label) {
        this.label = label;
    }

    /**
     * The other colour: {@link #GREEN} for {@link #BLUE} and the reverse.
     *
     * @return the other colour, never {@code null}
     */
    public Colour other() {
        return this == BLUE ? GREEN : BLUE;
    }

    /**
     * The lower-case name, as used in configuration, headers, cookies and metric tags.
     *
     * @return {@code "blue"} or {@code "green"}
     */
    public String label() {
        return label;
    }

    /**
     * Parses a colour name, ignoring case and surrounding whitespace.
     *
     * @param text {@code "blue"} or {@code "green"} in any case
     * @return the colour
     * @throws NullPointerException if {@code text} is {@code null}
     * @throws IllegalArgumentException if {@code text} names neither colour
     */
    public static Colour parse(String text) {
        requireNonNull(text, "text");
        // Trimmed because the text usually comes from a config file, a header or a command line.
        String trimmed = text.trim();
        for (Colour colour : values()) {
            if (colour.label.equalsIgnoreCase(trimmed)) {
                return colour;
            }
        }
        throw new IllegalArgumentException("colour: " + Texts.quote(text) + " (expected: blue or green)");
    }
}
