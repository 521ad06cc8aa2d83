package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.AdminEndpoint;
import dev.bluegreen.proxy.BlueGreenMetrics;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.MeterNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration in a plain application context: properties to beans, back-off, and clear failures. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlueGreenAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BlueGreenAutoConfiguration.class))
            .withPropertyValues("bluegreen.proxy.listen=127.0.0.1:0", "bluegreen.proxy.threads=1");

    @Test
    void properties_makeTheAdminObjectAndAStartedProxy() {
        runner.withPropertyValues("bluegreen.blue.version=v1", "bluegreen.blue.backends=127.0.0.1:9001,127.0.0.1:9002",
                        "bluegreen.green.version=v2", "bluegreen.green.backends=127.0.0.1:9003",
                        "bluegreen.live=green", "bluegreen.limits.max-body-size=1MB")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(BlueGreenMetrics.class)
                            .doesNotHaveBean(AdminEndpoint.class);
                    BlueGreen admin = context.getBean(BlueGreen.class);
                    assertThat(admin.snapshot().live()).isEqualTo(Colour.GREEN);
                    assertThat(admin.snapshot().blue().version()).isEqualTo("v1");
                    assertThat(admin.snapshot().blue().backends()).containsExactly(Backend.of("127.0.0.1", 9001),
                            Backend.of("127.0.0.1", 9002));
                    assertThat(admin.snapshot().green().backends()).containsExactly(Backend.of("127.0.0.1", 9003));
                    BlueGreenProxy proxy = context.getBean(BlueGreenProxy.class);
                    assertThat(proxy.admin()).isSameAs(admin);
                    assertThat(context.getBean(BlueGreenLifecycle.class).isRunning()).isTrue();
                    assertThat(proxy.port()).isPositive();
                });
    }

    @Test
    void contextClosed_stopsTheProxy() {
        int[] port = new int[1];
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001")
                .run(context -> port[0] = context.getBean(BlueGreenProxy.class).port());

        assertThat(port[0]).isPositive();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port[0]).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void runningProxy_keepsTheJvmAlive_asAWebServerDoes_untilTheContextCloses() {
        // The proxy's threads are daemons: an application without a web server (the proxy alone) would otherwise
        // exit as soon as main returned, stopping the proxy it had just started.
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(keepAliveThreads()).singleElement().satisfies(thread -> assertThat(thread.isDaemon()).isFalse());
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> keepAliveThreads().isEmpty());
    }

    @Test
    void startupFailingAfterTheProxyStarted_leavesNoThreadKeepingTheJvmAlive() {
        // A lifecycle of a later phase fails to start after the proxy did: after Boot's report the JVM must exit,
        // not wait on the keep-alive thread.
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001")
                .withBean("failsToStart", SmartLifecycle.class, () -> new SmartLifecycle() {
                    @Override
                    public void start() {
                        throw new IllegalStateException("a later lifecycle failed");
                    }

                    @Override
                    public void stop() {
                    }

                    @Override
                    public boolean isRunning() {
                        return false;
                    }
                })
                .run(context -> assertThat(context).hasFailed());
        await().atMost(Duration.ofSeconds(10)).until(() -> keepAliveThreads().isEmpty());
    }

    private static List<Thread> keepAliveThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(BlueGreenLifecycle.KEEP_ALIVE_THREAD) && thread.isAlive())
                .toList();
    }

    @Test
    void applicationsOwnBlueGreen_theProxyFollowsIt_andNoPropertiesAreNeeded() {
        runner.withUserConfiguration(OwnAdmin.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(BlueGreen.class);
            assertThat(context.getBean(BlueGreenProxy.class).admin()).isSameAs(context.getBean("ownAdmin"));
        });
    }

    @Test
    void applicationsOwnProxy_theAutoConfiguredOneBacksOff() {
        runner.withUserConfiguration(OwnAdmin.class, OwnProxy.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(BlueGreenProxy.class);
            assertThat(context.getBean(BlueGreenProxy.class)).isSameAs(context.getBean("ownProxy"));
        });
    }

    @Test
    void customizers_adjustTheProxyBeforeItIsBuilt() {
        boolean[] called = new boolean[1];
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001")
                .withBean(BlueGreenProxyCustomizer.class, () -> builder -> called[0] = true)
                .run(context -> assertThat(context).hasNotFailed());

        assertThat(called[0]).isTrue();
    }

    @Test
    void disabled_noBeans() {
        runner.withPropertyValues("bluegreen.enabled=false", "bluegreen.blue.backends=127.0.0.1:9001")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(BlueGreen.class)
                        .doesNotHaveBean(BlueGreenProxy.class).doesNotHaveBean(BlueGreenLifecycle.class));
    }

    @Test
    void badBackend_failsTheStartup_namingThePropertyAndTheValue() {
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001,nonsense").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                    .hasMessageContaining("bluegreen.blue.backends").hasMessageContaining("nonsense");
        });
    }

    @Test
    void noBlueBackends_failsTheStartup_sayingWhatIsExpected() {
        runner.run(context -> assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("bluegreen.blue.backends")
                .hasMessageContaining("expected: at least one HOST:PORT"));
    }

    @Test
    void badListenAddressAndThreads_areBlamedOnTheirProperties() {
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.proxy.listen=localhost")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("bluegreen.proxy.listen").hasMessageContaining("localhost"));
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.proxy.threads=0")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("bluegreen.proxy.threads"));
    }

    @Test
    void healthChecksAndPreview_fromProperties() {
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.health.enabled=true",
                        "bluegreen.health.path=/ready", "bluegreen.health.min-healthy=0",
                        "bluegreen.preview.header=X-Preview", "bluegreen.preview.secret=0123456789abcdef")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(BlueGreenProxy.class).health()).isNotEmpty();
                });
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.preview.secret=x")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("bluegreen.preview.secret")
                        .hasMessageContaining("without bluegreen.preview.header"));
    }

    @Test
    void adminEndpoint_onWhenEnabled_listensBesideTheProxy() {
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.admin.enabled=true",
                        "bluegreen.admin.listen=127.0.0.1:0")
                .run(context -> assertThat(context.getBean(AdminEndpoint.class).port()).isPositive());
    }

    @Test
    void adminEndpointBeyondLoopbackWithoutAToken_failsNamingTheProperty() {
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.admin.enabled=true",
                        "bluegreen.admin.listen=0.0.0.0:0")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("bluegreen.admin.listen").hasMessageContaining("bearerToken"));
    }

    @Test
    void meters_bindToARegistry() {
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001").run(context -> {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            context.getBean(BlueGreenMetrics.class).bindTo(registry);

            assertThat(registry.find(MeterNames.LIVE).gauge()).isNotNull();
        });
    }

    @Test
    void phase_isTheWebServersGracefulShutdownPhase() {
        // Asked of the lifecycle itself: its SMART_LIFECYCLE_PHASE constant is deprecated for removal in Boot 4.
        WebServer server = new WebServer() {
            @Override
            public void start() {
            }

            @Override
            public void stop() {
            }

            @Override
            public int getPort() {
                return 0;
            }
        };
        assertThat(BlueGreenLifecycle.PHASE).isEqualTo(new WebServerGracefulShutdownLifecycle(server).getPhase());
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnAdmin {
        @Bean
        BlueGreen ownAdmin() {
            return BlueGreen.builder().blue("mine", Backend.of("127.0.0.1", 9100)).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnProxy {
        @Bean
        BlueGreenProxy ownProxy(BlueGreen admin) {
            return BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(1).build();
        }
    }
}
