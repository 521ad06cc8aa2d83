package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * An address already in use fails the startup with Boot's failure report naming the property that set it, as Boot
 * does for {@code server.port}, instead of a stack trace under "Failed to start bean 'blueGreenLifecycle'".
 */
class ListenFailureTest {

    private final TwoPools pools = new TwoPools();

    @AfterEach
    void close() {
        pools.close();
    }

    @Test
    void proxyAddressInUse_failsTheStartup_andTheAnalysisNamesBluegreenProxyListen() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            pools.runner.withPropertyValues("bluegreen.proxy.listen=" + address).run(context -> {
                assertThat(context).hasFailed();
                FailureAnalysis analysis = new ListenFailureAnalyzer().analyze(context.getStartupFailure());

                assertThat(analysis).as("a failure analysis").isNotNull();
                assertThat(analysis.getDescription()).contains("proxy: cannot listen on " + address);
                assertThat(analysis.getAction()).contains("bluegreen.proxy.listen");
            });
        }
    }

    @Test
    void adminAddressInUse_failsTheStartup_andTheAnalysisNamesBluegreenAdminListen() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            pools.runner.withPropertyValues("bluegreen.admin.enabled=true", "bluegreen.admin.listen=" + address)
                    .run(context -> {
                        assertThat(context).hasFailed();
                        FailureAnalysis analysis = new ListenFailureAnalyzer().analyze(context.getStartupFailure());

                        assertThat(analysis).as("a failure analysis").isNotNull();
                        assertThat(analysis.getDescription()).contains("admin endpoint: cannot listen on " + address);
                        assertThat(analysis.getAction()).contains("bluegreen.admin.listen");
                    });
        }
    }
}
