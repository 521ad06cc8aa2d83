package dev.bluegreen.spring.boot;

/**
 * The application's classpath has a Netty older than the one bluegreen needs, typically because Spring Boot's
 * dependency management chose it. Startup fails with it; {@link IncompatibleNettyFailureAnalyzer} says how to fix
 * the build.
 */
public final class IncompatibleNettyException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String artifact;
    private final String found;
    private final String required;

    /**
     * An incompatibility.
     *
     * @param artifact the Netty artifact found too old, such as {@code netty-codec-http}
     * @param found its version on the classpath
     * @param required the oldest version bluegreen accepts
     */
    public IncompatibleNettyException(String artifact, String found, String required) {
        super("bluegreen needs Netty " + required + " or newer, but the classpath has " + artifact + " " + found
                + " (Spring Boot's dependency management chooses the Netty version unless the build overrides it)");
        this.artifact = artifact;
        this.found = found;
        this.required = required;
    }

    /** @return the Netty artifact found too old */
    public String artifact() {
        return artifact;
    }

    /** @return its version on the classpath */
    public String found() {
        return found;
    }

    /** @return the oldest version bluegreen accepts */
    public String required() {
        return required;
    }
}
