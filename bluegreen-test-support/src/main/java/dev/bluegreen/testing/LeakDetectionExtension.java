package dev.bluegreen.testing;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Fails a test class when Netty reported a buffer leak while it ran.
 *
 * <p>Registered automatically (through {@code META-INF/services}) wherever this module is on the test class
 * path and {@code junit.jupiter.extensions.autodetection.enabled=true}. On first use it attaches a
 * {@link LeakReports} collector, kept in the JUnit root store so that it lives for the whole run and is
 * detached when the run ends. After each test class (nested classes included) it provokes Netty into reporting
 * the leaks of unreachable buffers and throws an {@link AssertionError} listing every report collected since
 * the previous check, that is, since the class started or since an earlier check in it.
 *
 * <p>Before each class it also checks the configuration: when the system property {@value #LEVEL_PROPERTY} is
 * set (the build sets it to {@code paranoid}), the detector's level must be
 * {@link ResourceLeakDetector.Level#PARANOID}, so a run that silently samples instead of tracking every buffer
 * is visible.
 *
 * <p>A test that wants to check at a point of its own declares a {@link LeakReports} parameter and calls
 * {@link LeakReports#assertNoLeaks(String)}; claimed reports do not fail the class again.
 */
public final class LeakDetectionExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    /** The system property that sets Netty's leak detection level. */
    public static final String LEVEL_PROPERTY = "io.netty.leakDetection.level";

    private static final Namespace NAMESPACE = Namespace.create(LeakDetectionExtension.class);

    /** Creates the extension; JUnit does this through the service loader. */
    public LeakDetectionExtension() {
    }

    /**
     * Verifies the leak detection level and attaches the collector on first use.
     *
     * @throws IllegalStateException if {@value #LEVEL_PROPERTY} is set and the level is not PARANOID
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        verifyLevel();
        reports(context).ensureAttached();
    }

    /**
     * Provokes reporting and fails if any leak was reported since the previous check.
     *
     * @throws AssertionError listing the leak reports
     */
    @Override
    public void afterAll(ExtensionContext context) {
        reports(context).assertNoLeaks(context.getRequiredTestClass().getName());
    }

    /** Resolves parameters of type {@link LeakReports}. */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LeakReports.class;
    }

    /** Returns the run's {@link LeakReports} collector. */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return reports(extensionContext);
    }

    /**
     * Checks that Netty tracks every buffer when the build asked it to.
     *
     * @throws IllegalStateException if {@value #LEVEL_PROPERTY} is set and the level is not PARANOID
     */
    public static void verifyLevel() {
        String configured = System.getProperty(LEVEL_PROPERTY);
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        if (configured != null && level != ResourceLeakDetector.Level.PARANOID) {
            throw new IllegalStateException("Netty leak detection level: " + level + " (expected: PARANOID, since -D"
                    + LEVEL_PROPERTY + "=" + configured + " is set; did a test call ResourceLeakDetector.setLevel?)");
        }
    }

    private static LeakReports reports(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(LeakReports.class, key -> LeakReports.attach(), LeakReports.class);
    }
}
