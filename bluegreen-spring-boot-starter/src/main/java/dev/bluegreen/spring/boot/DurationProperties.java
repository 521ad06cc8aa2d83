package dev.bluegreen.spring.boot;

import dev.bluegreen.core.internal.Texts;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

/**
 * The {@code bluegreen.*} properties that hold a {@link Duration}: which they are, and the refusal of one given with
 * an empty value. Stateless.
 */
final class DurationProperties {

    private static final String EXPECTED = "expected: a duration such as 300ms, 30s or 1m";

    private DurationProperties() {
    }

    /**
     * Every duration property with its default, read from a fresh {@link BlueGreenProperties} so that the two never
     * disagree. A new {@code Duration} property belongs here; {@code DurationPropertiesTest} fails until it is.
     *
     * @return the property names, as in {@code bluegreen.proxy.drain-timeout}, with their defaults, in a fixed order
     */
    static Map<String, Duration> defaults() {
        BlueGreenProperties defaults = new BlueGreenProperties();
        BlueGreenProxyProperties proxy = defaults.getProxy();
        Map<String, Duration> all = new LinkedHashMap<>();
        all.put("bluegreen.proxy.connect-timeout", proxy.getConnectTimeout());
        all.put("bluegreen.proxy.response-timeout", proxy.getResponseTimeout());
        all.put("bluegreen.proxy.send-timeout", proxy.getSendTimeout());
        all.put("bluegreen.proxy.idle-timeout", proxy.getIdleTimeout());
        all.put("bluegreen.proxy.upstream-idle-timeout", proxy.getUpstreamIdleTimeout());
        all.put("bluegreen.proxy.drain-timeout", proxy.getDrainTimeout());
        all.put("bluegreen.proxy.rollback-window", proxy.getRollbackWindow());
        all.put("bluegreen.proxy.queue-timeout", proxy.getQueueTimeout());
        all.put("bluegreen.proxy.shutdown-grace-period", proxy.getShutdownGracePeriod());
        all.put("bluegreen.http2.reset-window", defaults.getHttp2().getResetWindow());
        all.put("bluegreen.health.interval", defaults.getHealth().getInterval());
        all.put("bluegreen.health.timeout", defaults.getHealth().getTimeout());
        all.put("bluegreen.health.slow-start", defaults.getHealth().getSlowStart());
        all.put("bluegreen.limits.request-header-timeout", defaults.getLimits().getRequestHeaderTimeout());
        all.put("bluegreen.limits.request-body-timeout", defaults.getLimits().getRequestBodyTimeout());
        all.put("bluegreen.limits.lingering-close-time", defaults.getLimits().getLingeringCloseTime());
        AutoRollbackProperties autoRollback = defaults.getAutoRollback();
        all.put("bluegreen.auto-rollback.bake-window", autoRollback.getBakeWindow());
        all.put("bluegreen.auto-rollback.window", autoRollback.getWindow());
        all.put("bluegreen.auto-rollback.evaluation-interval", autoRollback.getEvaluationInterval());
        all.put("bluegreen.auto-rollback.max-p99", autoRollback.getMaxP99());
        return all;
    }

    /**
     * Refuses a duration property set to an empty value. Boot binds an empty value to no value at all, which keeps
     * the default without a word; but {@code bluegreen.proxy.drain-timeout=} is more likely a value that went
     * missing than a wish for the default, which leaving the property out already expresses. Only the value as
     * written counts: a placeholder that resolves to nothing, such as {@code ${DRAIN_TIMEOUT:}}, asks for the
     * default on purpose and keeps it.
     *
     * @param environment the application's environment, read in the order Boot binds from it
     * @throws InvalidConfigurationPropertyValueException naming the first duration property whose value is empty
     */
    static void refuseEmpty(Environment environment) {
        Iterable<ConfigurationPropertySource> sources = ConfigurationPropertySources.get(environment);
        defaults().forEach((property, defaultValue) -> {
            ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
            for (ConfigurationPropertySource source : sources) {
                ConfigurationProperty found = source.getConfigurationProperty(name);
                if (found == null) {
                    continue;
                }
                // The first source that has the property is the one Boot binds; the later ones don't matter.
                if (found.getValue() instanceof CharSequence text && text.toString().isBlank()) {
                    throw new InvalidConfigurationPropertyValueException(property, text.toString(), "empty ("
                            + EXPECTED + "; leave the property out for the default, "
                            + Texts.duration(defaultValue) + ")");
                }
                break;
            }
        });
    }
}
