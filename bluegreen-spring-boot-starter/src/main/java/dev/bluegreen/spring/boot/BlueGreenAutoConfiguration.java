package dev.bluegreen.spring.boot;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.internal.Texts;
import dev.bluegreen.proxy.AdminEndpoint;
import dev.bluegreen.proxy.BlueGreenMetrics;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.BlueGreenProxyBuilder;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configures bluegreen from the {@code bluegreen.*} properties ({@link BlueGreenProperties}): the
 * {@link BlueGreen} admin object, the {@link BlueGreenProxy}, its meters as a {@code MeterBinder} (Boot binds them to
 * the application's registries), optionally bluegreen's own {@link AdminEndpoint}, and the
 * {@link BlueGreenLifecycle} that starts and drains them with the context.
 *
 * <p>Each bean backs off when the application defines its own of the same type: define a {@code BlueGreen} to build
 * the pools in code (with a shared routing store, say) and the proxy follows it; define a {@code BlueGreenProxy} to
 * build the proxy yourself. {@code bluegreen.enabled=false} turns all of it off.
 *
 * <p>Fails at startup, with {@link IncompatibleNettyException}, if the application's Netty is older than the one
 * bluegreen needs.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "bluegreen.enabled", matchIfMissing = true)
@EnableConfigurationProperties(BlueGreenProperties.class)
public class BlueGreenAutoConfiguration {

    /** How long Spring waits for the lifecycles of one phase to stop; Boot's {@code LifecycleProperties}. */
    private static final String SHUTDOWN_PHASE_TIMEOUT = "spring.lifecycle.timeout-per-shutdown-phase";
    /** Its default in Boot 4. */
    private static final Duration DEFAULT_SHUTDOWN_PHASE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Checks the application's Netty first, so that an old one fails the startup before anything uses it, that no
     * duration property is set to an empty value, which Boot would otherwise take as unset, and that every
     * {@code bluegreen.*} key names a property, where Boot would ignore a misspelled one.
     *
     * @param resourceLoader the application context, for its class loader
     * @param environment the application's environment, for the properties as written
     * @throws IncompatibleNettyException if the Netty on the classpath is too old
     * @throws org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException if a
     *         duration property such as {@code bluegreen.proxy.drain-timeout} is set to an empty value, or a
     *         {@code bluegreen.*} key (other than an environment variable) names no property
     */
    public BlueGreenAutoConfiguration(ResourceLoader resourceLoader, Environment environment) {
        NettyRequirement.check(resourceLoader.getClassLoader());
        DurationProperties.refuseEmpty(environment);
        UnknownProperties.refuse(environment);
    }

    /**
     * The admin object: both pools and the live colour, from {@code bluegreen.blue.*}, {@code bluegreen.green.*}
     * and {@code bluegreen.live}, kept in {@code bluegreen.state.file} when it is set. Closed with the context.
     *
     * @param properties the properties
     * @return the admin object
     * @throws org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException naming
     *         {@code bluegreen.state.file} if the file is held by another process, damaged, or can't be read or
     *         written
     */
    @Bean
    @ConditionalOnMissingBean
    public BlueGreen blueGreen(BlueGreenProperties properties) {
        BlueGreen.Builder builder = BlueGreenBuilders.admin(properties);
        String stateFile = properties.getState().getFile();
        try {
            return builder.build();
        } catch (ChangeRefusedException e) {
            if (stateFile == null || stateFile.isBlank()) {
                throw e;
            }
            // The file store opens (and locks) the file as the admin object is built; its refusal names the file
            // and what is wrong. Blamed on the property, Boot reports it as any refused value, not a stack trace.
            throw PropertyChecks.refused("bluegreen.state.file", stateFile, e.getMessage());
        }
    }

    /**
     * The proxy, from {@code bluegreen.proxy.*}, {@code bluegreen.tls.*}, {@code bluegreen.health.*},
     * {@code bluegreen.limits.*} and the other groups, then the customizers. Not started: {@link BlueGreenLifecycle}
     * starts it.
     *
     * @param admin the admin object it follows
     * @param properties the properties
     * @param sslBundles the application's SSL bundles, which {@code bluegreen.tls.bundle} names one of; the proxy
     *                   serves that bundle's updates
     * @param customizers the application's adjustments
     * @return the proxy
     */
    @Bean
    @ConditionalOnMissingBean
    public BlueGreenProxy blueGreenProxy(BlueGreen admin, BlueGreenProperties properties,
                                         ObjectProvider<SslBundles> sslBundles,
                                         ObjectProvider<BlueGreenProxyCustomizer> customizers) {
        BlueGreenProxyBuilder builder = BlueGreenBuilders.proxy(admin, properties);
        ListenerTls.settings(properties.getTls(), sslBundles::getIfAvailable).ifPresent(builder::tls);
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        BlueGreenProxy proxy = builder.build();
        proxy.accessLog(properties.getProxy().isAccessLog());
        ListenerTls.followUpdates(properties.getTls(), sslBundles::getIfAvailable, proxy);
        return proxy;
    }

    /**
     * The proxy's meters; Spring Boot binds every {@code MeterBinder} bean to the application's registries.
     *
     * @param proxy the proxy
     * @return the binder
     */
    @Bean
    @ConditionalOnMissingBean
    public BlueGreenMetrics blueGreenMetrics(BlueGreenProxy proxy) {
        return BlueGreenMetrics.of(proxy);
    }

    /**
     * Bluegreen's own admin endpoint, with {@code bluegreen.admin.enabled=true}.
     *
     * @param admin the admin object
     * @param proxy the proxy
     * @param properties the properties
     * @param sslBundles the application's SSL bundles, which {@code bluegreen.admin.tls-bundle} names one of
     * @return the endpoint, not started
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty("bluegreen.admin.enabled")
    public AdminEndpoint blueGreenAdminEndpoint(BlueGreen admin, BlueGreenProxy proxy,
                                                BlueGreenProperties properties,
                                                ObjectProvider<SslBundles> sslBundles) {
        return BlueGreenBuilders.adminEndpoint(admin, proxy, properties.getAdmin(), sslBundles::getIfAvailable);
    }

    /**
     * Starts the proxy and the admin endpoint with the context, and drains them on shutdown.
     *
     * @param proxy the proxy
     * @param endpoint the admin endpoint, if there is one
     * @param properties the properties, for the shutdown grace period
     * @param environment the application's environment, for {@code spring.lifecycle.timeout-per-shutdown-phase}
     * @return the lifecycle
     * @throws org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException if
     *         {@code bluegreen.proxy.shutdown-grace-period} is longer than Spring waits for a shutdown phase
     */
    @Bean
    @ConditionalOnMissingBean
    public BlueGreenLifecycle blueGreenLifecycle(BlueGreenProxy proxy, ObjectProvider<AdminEndpoint> endpoint,
                                                 BlueGreenProperties properties, Environment environment) {
        Duration gracePeriod = properties.getProxy().getShutdownGracePeriod();
        Duration phaseTimeout = Binder.get(environment).bind(SHUTDOWN_PHASE_TIMEOUT, Duration.class)
                .orElse(DEFAULT_SHUTDOWN_PHASE_TIMEOUT);
        if (gracePeriod.compareTo(phaseTimeout) > 0) {
            // Spring stops waiting for the lifecycle at the phase's timeout and closes the proxy: exchanges the grace
            // period was meant to let finish would be cut, with no more than an INFO line from Spring.
            throw PropertyChecks.refused("bluegreen.proxy.shutdown-grace-period", gracePeriod, "longer than "
                    + SHUTDOWN_PHASE_TIMEOUT + ", " + Texts.duration(phaseTimeout) + ", after which Spring stops"
                    + " waiting and closes the proxy with exchanges still under way (expected: at most "
                    + Texts.duration(phaseTimeout) + ", or raise " + SHUTDOWN_PHASE_TIMEOUT + " too)");
        }
        return new BlueGreenLifecycle(proxy, endpoint.getIfAvailable(), gracePeriod);
    }
}
