package dev.bluegreen.spring.boot;

import dev.bluegreen.proxy.BlueGreenProxyBuilder;

/**
 * Adjusts the auto-configured proxy beyond what the {@code bluegreen.*} properties offer (sticky sessions, the
 * safety net, guards of your own...). Every bean of this type is called, in {@code @Order}, after the properties
 * have been applied and before the proxy is built.
 */
@FunctionalInterface
public interface BlueGreenProxyCustomizer {

    /**
     * Adjusts the builder.
     *
     * @param builder the proxy's builder, with the properties applied
     */
    void customize(BlueGreenProxyBuilder builder);
}
