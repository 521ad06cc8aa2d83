/**
 * The Netty reverse proxy that routes by a {@link dev.bluegreen.core.BlueGreen}'s state, and what an application
 * configures and observes it with.
 *
 * <p>{@link dev.bluegreen.proxy.BlueGreenProxy#builder} builds the proxy; each option of
 * {@link dev.bluegreen.proxy.BlueGreenProxyBuilder} is validated when set, and the groups of settings are values:
 * {@link dev.bluegreen.proxy.Timeouts}, {@link dev.bluegreen.proxy.RequestLimits},
 * {@link dev.bluegreen.proxy.HealthCheckSettings}, {@link dev.bluegreen.proxy.OutlierEjection},
 * {@link dev.bluegreen.proxy.TlsSettings}, {@link dev.bluegreen.proxy.UpstreamTls},
 * {@link dev.bluegreen.proxy.Http2Options}, {@link dev.bluegreen.proxy.BackendProtocols},
 * {@link dev.bluegreen.proxy.PreviewRule}, {@link dev.bluegreen.proxy.StickySessions} and
 * {@link dev.bluegreen.proxy.MirrorSettings}. {@link dev.bluegreen.proxy.SmokeCheck} is a switch guard that asks the
 * idle pool itself.
 *
 * <p>A running proxy reports its counts, each colour's {@link dev.bluegreen.proxy.Drain} (ending in a
 * {@link dev.bluegreen.proxy.DrainReport}), each backend's {@link dev.bluegreen.proxy.BackendHealth} and what shadow
 * traffic found ({@link dev.bluegreen.proxy.MirrorReport}). {@link dev.bluegreen.proxy.BlueGreenMetrics} binds its
 * Micrometer meters (named in {@link dev.bluegreen.proxy.MeterNames}) to a registry the application gives, and
 * {@link dev.bluegreen.proxy.AdminEndpoint} serves the admin verbs, the status page and a Prometheus scrape over HTTP.
 * Watching a colour after a switch and shifting in steps are in {@link dev.bluegreen.proxy.watch}.
 *
 * <p>Everything under {@code dev.bluegreen.proxy.internal} is the data plane itself and may change in any release.
 */
package dev.bluegreen.proxy;
