package dev.bluegreen.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link IncompatibleNettyException} in Boot's startup failure report: which Netty was found, which is
 * needed, and how to override Boot's choice in Maven or Gradle.
 */
public final class IncompatibleNettyFailureAnalyzer extends AbstractFailureAnalyzer<IncompatibleNettyException> {

    /** Creates the analyzer; Spring Boot does this. */
    public IncompatibleNettyFailureAnalyzer() {
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, IncompatibleNettyException cause) {
        String required = cause.required();
        return new FailureAnalysis(
                "bluegreen needs Netty " + required + " or newer, but the classpath has " + cause.artifact() + " "
                        + cause.found() + ". Spring Boot's dependency management chooses the Netty version for"
                        + " the whole application unless the build overrides it.",
                "Use Netty " + required + ": with spring-boot-starter-parent, add <netty.version>" + required
                        + "</netty.version> to your POM's <properties>; when you import spring-boot-dependencies,"
                        + " import io.netty:netty-bom:" + required + " before it; with Gradle and the Spring"
                        + " dependency-management plugin, set ext['netty.version'] = '" + required + "'.",
                cause);
    }
}
