package dev.bluegreen.spring.boot;

import io.netty.util.Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The Netty bluegreen needs, checked against the Netty on the classpath. Spring Boot's dependency management picks
 * its own Netty version for the whole application (Boot 4.0.7: 4.2.15.Final, whose HTTP/1.1 decoder is laxer), which
 * may be older than the one bluegreen was built and tested with; that fails here, at startup, rather than later with a
 * {@link NoSuchMethodError} in the middle of a request. Stateless.
 */
final class NettyRequirement {

    /** The resource holding the required version; the build fills it in from the {@code netty.version} property. */
    static final String RESOURCE = "dev/bluegreen/spring/boot/netty-requirement.properties";

    /** The Netty artifacts bluegreen uses. */
    private static final List<String> ARTIFACTS = List.of("netty-common", "netty-buffer", "netty-transport",
            "netty-handler", "netty-codec-http", "netty-codec-http2");

    private NettyRequirement() {
    }

    /**
     * Checks the Netty artifacts that {@code classLoader} sees (through their {@code META-INF/io.netty.versions}
     * files, as {@link Version#identify(ClassLoader)} reads them).
     *
     * @param classLoader the application's class loader
     * @throws IncompatibleNettyException if one of them is older than the required version
     */
    static void check(ClassLoader classLoader) {
        String required = required();
        Map<String, Version> found = Version.identify(classLoader);
        for (String artifact : ARTIFACTS) {
            Version version = found.get(artifact);
            if (version != null && compare(version.artifactVersion(), required) < 0) {
                throw new IncompatibleNettyException(artifact, version.artifactVersion(), required);
            }
        }
    }

    /** The oldest Netty version bluegreen accepts, such as {@code 4.2.18.Final}. */
    static String required() {
        try (InputStream in = NettyRequirement.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + ": missing from the starter's jar");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("netty.version");
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE + ": unreadable", e);
        }
    }

    /**
     * Compares two Netty versions by their numbers ({@code 4.2.15.Final} is older than {@code 4.2.18.Final}); the
     * qualifier after the numbers is ignored.
     */
    static int compare(String left, String right) {
        int[] a = numbers(left);
        int[] b = numbers(right);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            int x = i < a.length ? a[i] : 0;
            int y = i < b.length ? b[i] : 0;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }

    private static int[] numbers(String version) {
        String[] parts = version.split("\\.");
        int count = 0;
        while (count < parts.length && !parts[count].isEmpty() && parts[count].chars().allMatch(Character::isDigit)) {
            count++;
        }
        int[] numbers = new int[count];
        for (int i = 0; i < count; i++) {
            numbers[i] = Integer.parseInt(parts[i]);
        }
        return numbers;
    }
}
