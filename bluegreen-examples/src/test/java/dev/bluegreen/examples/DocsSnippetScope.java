package dev.bluegreen.examples;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.proxy.BlueGreenProxy;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.slf4j.Logger;

/**
 * The names a Java block in the docs may use without declaring them, as a reader would have them in scope: every
 * block that is compiled as statements or members (see {@link SnippetCompiler}) is compiled in a subclass of this
 * one. The blocks are compiled, never run, so nothing here is ever set. A block may declare a local of the same
 * name (say, its own {@code proxy}), which then hides the field.
 */
@SuppressWarnings("unused")   // read by the compiled doc blocks, not by this module
public abstract class DocsSnippetScope {

    /** The admin object, as built with {@code BlueGreen.builder()...build()}. */
    protected BlueGreen admin;

    /** A proxy built on {@link #admin}. */
    protected BlueGreenProxy proxy;

    /** The blue pool's backends. */
    protected List<Backend> blue;

    /** The green pool's backends. */
    protected List<Backend> green;

    /** The application's Micrometer registry. */
    protected MeterRegistry registry;

    /** The application's SLF4J logger. */
    protected Logger log;

    /** Subclassed by the compiled doc blocks only. */
    protected DocsSnippetScope() {
    }
}
