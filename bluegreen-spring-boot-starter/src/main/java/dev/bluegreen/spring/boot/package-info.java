/**
 * Spring Boot auto-configuration for bluegreen.
 *
 * <p>{@link dev.bluegreen.spring.boot.BlueGreenAutoConfiguration} defines, from the {@code bluegreen.*} properties
 * ({@link dev.bluegreen.spring.boot.BlueGreenProperties}), the admin object, the proxy, its meters and the
 * {@link dev.bluegreen.spring.boot.BlueGreenLifecycle} that starts it after the web server and drains it on
 * shutdown; each bean backs off when the application defines its own. A
 * {@link dev.bluegreen.spring.boot.BlueGreenProxyCustomizer} bean sets what the properties don't cover. With
 * Actuator, {@link dev.bluegreen.spring.boot.BlueGreenEndpoint} is the {@code bluegreen} endpoint, answering a
 * {@link dev.bluegreen.spring.boot.BlueGreenStatus}.
 */
package dev.bluegreen.spring.boot;
