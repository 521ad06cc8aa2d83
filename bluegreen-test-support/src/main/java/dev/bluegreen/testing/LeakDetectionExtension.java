package dev.bluegreen.testing;

import io.netty.util.ResourceLeakDetector;
import java.util.List;
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
 * path and {@code junit.jupiter.extensions.autodetection.enabled=true}, which this module's
 * {@code junit-platform.properties} sets for every run, an IDE's included. On first use it attaches a
 * {@link LeakReports} collector, kept in the JUnit root store so that it lives for the whole run and is
 * detached when the run ends. After each test class (nested classes included) it provokes Netty into reporting
 * the leaks of unreachable buffers and throws an {@link AssertionError} listing every report collected since
 * the previous check, that is, since the class started or since an earlier check in it.
 *
 * <p>The build's argLine sets {@value #LEVEL_PROPERTY}{@code =paranoid}; a run without it (an IDE's JUnit
 * launcher) would sample one buffer in 128 and let most leaks pass. So when the property is absent, the extension,
 * as JUnit creates it (before any test class runs), sets it and {@value #TARGET_RECORDS_PROPERTY} as the build
 * does and turns the detector to PARANOID through {@link ResourceLeakDetector#setLevel}. That works although Netty
 * reads the properties only once, when {@link ResourceLeakDetector} is initialised: the level is a static field
 * that every allocation reads again ({@code setLevel} is Netty's public way to change it), and when Netty was not
 * initialised yet (the usual case) it reads the properties just set, the record count included. Buffers allocated
 * before (none, unless a class initialiser of the launcher allocates) stay untracked.
 *
 * <p>Before each class it checks the configuration: when {@value #LEVEL_PROPERTY} is set (by the build, or by the
 * extension as above), the detector's level must be {@link ResourceLeakDetector.Level#PARANOID}, so a run that
 * silently samples instead of tracking every buffer is visible.
 *
 * <p>A test that wants to check at a point of its own declares a {@link LeakReports} parameter and calls
 * {@link LeakReports#assertNoLeaks(String)}; claimed reports do not fail the class again.
 */
public final class LeakDetectionExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    /** The system property that sets Netty's leak detection level. */
    public static final String LEVEL_PROPERTY = "io.netty.leakDetection.level";

    /** The system property that sets how many access records Netty keeps per tracked buffer. */
    public static final String TARGET_RECORDS_PROPERTY = "io.netty.leakDetection.targetRecords";

    /** What the parent POM's argLine sets both properties to, and so what a run without them gets. */
    private static final String BUILD_LEVEL = "paranoid";
    private static final String BUILD_TARGET_RECORDS = "8";

    private static final Namespace NAMESPACE = Namespace.create(LeakDetectionExtension.class);

    /**
     * Creates the extension, and sets the build's leak detection when the run did not ({@link #paranoidUnlessSet});
     * JUnit does this through the service loader before any test class runs.
     */
    public LeakDetectionExtension() {
        paranoidUnlessSet();
    }

    /**
     * When {@value #LEVEL_PROPERTY} is not set, sets it (and {@value #TARGET_RECORDS_PROPERTY}, if unset) as the
     * build does, then turns Netty's detector to PARANOID. Does nothing when the level was set, whatever its value:
     * {@link #verifyLevel} judges that.
     */
    public static void paranoidUnlessSet() {
        if (System.getProperty(LEVEL_PROPERTY) != null) {
            return;
        }
        // Properties first: if ResourceLeakDetector is not initialised yet, setLevel initialises it and it reads them.
        if (System.getProperty(TARGET_RECORDS_PROPERTY) == null) {
            System.setProperty(TARGET_RECORDS_PROPERTY, BUILD_TARGET_RECORDS);
        }
        System.setProperty(LEVEL_PROPERTY, BUILD_LEVEL);
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    /**
     * The JVM flags that give a child JVM (a proxy a test forks, say) this run's leak detection: the level and the
     * record count this JVM runs with, the build's where unset.
     *
     * @return {@code -D} flags for the child's command line
     */
    public static List<String> childJvmFlags() {
        return List.of("-D" + LEVEL_PROPERTY + "=" + System.getProperty(LEVEL_PROPERTY, BUILD_LEVEL),
                "-D" + TARGET_RECORDS_PROPERTY + "=" + System.getProperty(TARGET_RECORDS_PROPERTY,
                        BUILD_TARGET_RECORDS));
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
