package dev.bluegreen.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link ListenFailedException} in Boot's startup failure report, as Boot does for {@code server.port}:
 * which address could not be bound, why, and which property to change.
 */
final class ListenFailureAnalyzer extends AbstractFailureAnalyzer<ListenFailedException> {

    /** Creates the analyzer; Spring Boot does this. */
    ListenFailureAnalyzer() {
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ListenFailedException cause) {
        return new FailureAnalysis("bluegreen could not start: " + cause.getMessage() + ".",
                "Stop what listens there, or set " + cause.property() + " to another address (port 0 picks a free"
                        + " one). A bean of your own takes its address from its builder's listen(...) instead.",
                cause);
    }
}
