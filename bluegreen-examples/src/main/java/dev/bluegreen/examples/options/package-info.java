/**
 * The {@code proxy} command's options, one picocli mixin per feature group: where it listens, the pools, health
 * checks, steering, limits, TLS, the admin endpoint, ZooKeeper and the state file. Each group validates its own
 * options and applies them to the builders through {@link dev.bluegreen.examples.options.ProxyOptionGroup}; usage
 * errors name the option through {@link dev.bluegreen.examples.options.OptionErrors}.
 *
 * <p>To add a group: write a class with the {@code @Option} fields that implements {@code ProxyOptionGroup}, then add
 * it as a {@code @Mixin} field of {@link dev.bluegreen.examples.ProxyCommand} and to its list of groups.
 */
package dev.bluegreen.examples.options;
