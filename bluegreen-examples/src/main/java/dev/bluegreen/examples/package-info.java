/**
 * Runnable programs built on bluegreen: the {@link dev.bluegreen.examples.Demo demo} from the README, a
 * {@link dev.bluegreen.examples.StandaloneProxy standalone proxy} and a {@link dev.bluegreen.examples.DemoBackend
 * demo backend}, behind the {@link dev.bluegreen.examples.Main command line} of {@code bluegreen-examples.jar}; and
 * the {@link dev.bluegreen.examples.EmbeddingExample code an application embeds}.
 */
package dev.bluegreen.examples;
