package dev.bluegreen.proxy.internal.drain;

import dev.bluegreen.core.Colour;
import io.netty.channel.EventLoop;

/** One event loop's share of a drain: what it still has on a colour, closed at the drain deadline. */
public interface DrainParticipant {

    /** The loop whose exchanges and connections these are; {@link #closeColour} runs on it. */
    EventLoop eventLoop();

    /**
     * Closes everything this loop still has on {@code colour}, as gracefully as each protocol allows: its exchanges
     * and their connections, and its idle connections.
     *
     * @return how many exchanges were closed
     */
    int closeColour(Colour colour);

    /**
     * Closes, as {@link #closeColour} does, this loop's exchanges on {@code colour} that were routed before
     * {@code generation}, when a deployment at {@code generation} replaced that colour's pool: they run on backends it
     * took out.
     *
     * @return how many exchanges were closed
     */
    int closeReplaced(Colour colour, long generation);
}
