package dev.bluegreen.spring.boot;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.StickySessions;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;

/** The Java examples of docs/spring-boot.md, compiled here and run by {@link SpringBootDocsTest}. */
final class SpringBootDocsExamples {

    private SpringBootDocsExamples() {
    }

    // tag::release-manager[]
    @Component
    static class ReleaseManager {

        private final BlueGreen blueGreen;

        ReleaseManager(BlueGreen blueGreen) {
            this.blueGreen = blueGreen;
        }

        RoutingSnapshot release(String ticket) {
            return blueGreen.as("release-manager", "release " + ticket).promote();
        }
    }
    // end::release-manager[]

    // tag::customizer[]
    @Configuration(proxyBeanMethods = false)
    static class ProxySettings {

        @Bean
        BlueGreenProxyCustomizer stickySessionsAndSafetyNet() {
            return proxy -> proxy
                    .stickySessions(StickySessions.proxyCookie("bg"))
                    .safetyNet(Duration.ofSeconds(30));
        }
    }
    // end::customizer[]
}
