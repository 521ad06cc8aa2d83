package dev.bluegreen.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains an {@link UnknownPropertiesException} in Boot's startup failure report: which keys, and what to do. */
final class UnknownPropertiesFailureAnalyzer extends AbstractFailureAnalyzer<UnknownPropertiesException> {

    /** Creates the analyzer; Spring Boot does this. */
    UnknownPropertiesFailureAnalyzer() {
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnknownPropertiesException cause) {
        String fix = cause.meant() == null ? "Correct the key" : "Correct the key (to " + cause.meant() + "?)";
        return new FailureAnalysis(cause.getMessage(), fix + ", or remove it. The bluegreen properties are listed"
                + " in the starter's docs (docs/spring-boot.md) and its configuration metadata, which an IDE"
                + " completes from.", cause);
    }
}
