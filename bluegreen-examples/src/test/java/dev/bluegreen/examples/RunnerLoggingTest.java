package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** The logging configuration the jar's commands run with ({@code src/main/resources/logback.xml}). */
class RunnerLoggingTest {

    @Test
    void zooKeeperOutage_isLoggedByTheStore_notByTheClientAtEveryReconnectAttempt() throws Exception {
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        URL config = RunnerLoggingTest.class.getClassLoader().getResource("logback.xml");
        assertThat(config).isNotNull();
        configurator.doConfigure(config);
        try {
            // ClientCnxn's WARN with a stack trace about once a second for the whole outage (docs/fleet.md promises
            // one WARN line); the store's own lines stay.
            assertThat(context.getLogger("org.apache.zookeeper.ClientCnxn").getEffectiveLevel())
                    .isEqualTo(Level.ERROR);
            assertThat(context.getLogger("org.apache.zookeeper.server").getEffectiveLevel()).isEqualTo(Level.WARN);
            assertThat(context.getLogger("dev.bluegreen.zookeeper.internal.ConnectionWatch").getEffectiveLevel())
                    .isEqualTo(Level.INFO);
        } finally {
            context.stop();
        }
    }
}
