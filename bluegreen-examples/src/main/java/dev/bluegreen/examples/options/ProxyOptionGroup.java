package dev.bluegreen.examples.options;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.proxy.BlueGreenProxyBuilder;

/**
 * One feature group of the {@code proxy} command's options (a picocli mixin), applied in two steps: first to the
 * admin object's builder, then, once the admin object is built, to the proxy's builder. A group overrides the steps
 * it needs.
 *
 * <p>Each step validates the group's options and reports a bad value through {@link OptionErrors}, as a usage error
 * that names the option.
 */
public interface ProxyOptionGroup {

    /**
     * Applies this group's options to the admin object's builder, such as the pools or the routing store.
     *
     * @param admin the builder of the admin object
     * @param errors turns a refused value into a usage error naming the option
     * @return something that must be closed after the admin object (a client this group started), or {@code null}
     * @throws picocli.CommandLine.ParameterException if an option's value is refused
     */
    default AutoCloseable configureAdmin(BlueGreen.Builder admin, OptionErrors errors) {
        return null;
    }

    /**
     * Applies this group's options to the proxy's builder.
     *
     * @param proxy the builder of the proxy
     * @param errors turns a refused value into a usage error naming the option
     * @throws picocli.CommandLine.ParameterException if an option's value is refused
     */
    default void configureProxy(BlueGreenProxyBuilder proxy, OptionErrors errors) {
    }
}
