package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.Version;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Startup fails clearly when the application's Netty is older than bluegreen's. */
class NettyRequirementTest {

    @TempDir
    Path dir;

    @Test
    void required_isTheNettyTheBuildUses() {
        assertThat(NettyRequirement.required()).isEqualTo(Version.identify().get("netty-common").artifactVersion());
    }

    @Test
    void compare_byNumbers() {
        assertThat(NettyRequirement.compare("4.2.15.Final", "4.2.18.Final")).isNegative();
        assertThat(NettyRequirement.compare("4.2.18.Final", "4.2.18.Final")).isZero();
        assertThat(NettyRequirement.compare("4.3.0.Final", "4.2.18.Final")).isPositive();
        assertThat(NettyRequirement.compare("4.2.18.Final", "4.10.0.Final")).isNegative();
    }

    @Test
    void olderNettyOnTheClasspath_failsTheStartup_namingBothVersions_andTheAnalysisSaysHowToFixIt() throws IOException {
        ClassLoader oldNetty = classLoaderWithNetty("4.2.15.Final");
        new ApplicationContextRunner()
                .withClassLoader(oldNetty)
                .withConfiguration(AutoConfigurations.of(BlueGreenAutoConfiguration.class))
                .withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.proxy.listen=127.0.0.1:0")
                .run(context -> {
                    assertThat(context).hasFailed();
                    Throwable failure = context.getStartupFailure();
                    assertThat(failure).rootCause().isInstanceOf(IncompatibleNettyException.class)
                            .hasMessageContaining("bluegreen needs Netty " + NettyRequirement.required())
                            .hasMessageContaining("netty-common 4.2.15.Final");

                    FailureAnalysis analysis = new IncompatibleNettyFailureAnalyzer().analyze(failure);
                    assertThat(analysis.getDescription()).contains("4.2.15.Final", NettyRequirement.required());
                    assertThat(analysis.getAction()).contains("<netty.version>" + NettyRequirement.required()
                            + "</netty.version>", "io.netty:netty-bom:" + NettyRequirement.required());
                });
    }

    /** A class loader that loads classes as usual but shows Netty's version files as those of another release. */
    private ClassLoader classLoaderWithNetty(String version) throws IOException {
        Path file = dir.resolve("io.netty.versions.properties");
        StringBuilder properties = new StringBuilder();
        for (String artifact : new String[] {"netty-common", "netty-buffer", "netty-codec-http"}) {
            properties.append(artifact).append(".version=").append(version).append('\n')
                    .append(artifact).append(".buildDate=2025-01-01 00:00:00 +0000\n")
                    .append(artifact).append(".commitDate=2025-01-01 00:00:00 +0000\n")
                    .append(artifact).append(".shortCommitHash=0000000\n")
                    .append(artifact).append(".longCommitHash=0000000000000000000000000000000000000000\n")
                    .append(artifact).append(".repoStatus=clean\n");
        }
        Files.writeString(file, properties);
        URL url = file.toUri().toURL();
        return new ClassLoader(getClass().getClassLoader()) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                return name.equals("META-INF/io.netty.versions.properties") ? Collections.enumeration(
                        java.util.List.of(url)) : super.getResources(name);
            }
        };
    }
}
