package dev.bluegreen.spring.boot;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.proxy.BlueGreenProxy;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@link BlueGreenEndpoint} Actuator endpoint, when Actuator is on the classpath, the application has a
 * {@link BlueGreen} and a {@link BlueGreenProxy}, and the endpoint is available (enabled and exposed).
 */
@AutoConfiguration(after = BlueGreenAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
public class BlueGreenEndpointAutoConfiguration {

    /** Creates the configuration; Spring Boot does this. */
    public BlueGreenEndpointAutoConfiguration() {
    }

    /**
     * The endpoint.
     *
     * @param admin the admin object
     * @param proxy the proxy
     * @return the endpoint
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean({BlueGreen.class, BlueGreenProxy.class})
    @ConditionalOnAvailableEndpoint
    public BlueGreenEndpoint blueGreenEndpoint(BlueGreen admin, BlueGreenProxy proxy) {
        return new BlueGreenEndpoint(admin, proxy);
    }
}
